import Foundation

/// Waits until `condition` holds, checking every `interval`, or throws after `timeout`
/// naming what was awaited. Tests wait on conditions, never on fixed sleeps.
public func eventually(
    _ what: String, timeout: Duration = .seconds(60), interval: Duration = .milliseconds(200),
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    var lastError: (any Error)?
    while ContinuousClock.now < deadline {
        do {
            if try await condition() { return }
        } catch {
            lastError = error
        }
        try await Task.sleep(for: interval)
    }
    throw EventuallyTimedOut(what: what, after: timeout, lastError: lastError.map { "\($0)" })
}

public struct EventuallyTimedOut: Error, CustomStringConvertible {
    public let what: String
    public let after: Duration
    public let lastError: String?
    public var description: String {
        "timed out after \(after) waiting for \(what)" + (lastError.map { " (last error: \($0))" } ?? "")
    }
}
