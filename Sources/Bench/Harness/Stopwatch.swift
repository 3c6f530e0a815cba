import Foundation

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
