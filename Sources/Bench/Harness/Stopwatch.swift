import Foundation
import Shared

/// Wall-clock timing on the monotonic clock.
enum Stopwatch {
    static func seconds(since start: ContinuousClock.Instant) -> Double {
        (ContinuousClock.now - start).seconds
    }

    /// Polls `condition` every `interval` until it holds; throws after `timeout`.
    static func waitUntil(
        _ what: String, timeout: Duration, interval: Duration = .milliseconds(250),
        _ condition: () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            if try await condition() { return }
            guard ContinuousClock.now < deadline else { throw BenchError("timed out after \(timeout) waiting for \(what)") }
            try await Task.sleep(for: interval)
        }
    }
}

/// Something the bench itself could not do (a part did not start, a wait timed out).
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Percentiles of a sample (nearest rank).
enum Percentiles {
    static func of(_ sorted: [Double], _ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}
