/// The one way tests wait: until a condition holds, checking every `interval`, or a
/// `WaitTimedOut` error after `timeout` that names what was awaited. Tests wait on
/// conditions, never on fixed sleeps.
///
/// An error thrown by the condition counts as "not yet" (a server still starting, a row
/// not yet visible); the last one is in the timeout's message. `what` is evaluated only
/// when the wait times out, so it can describe the last value seen.
public func eventually(
    _ what: @autoclosure () -> String, timeout: Duration = .seconds(60), interval: Duration = .milliseconds(100),
    _ condition: () async throws -> Bool
) async throws {
    try await eventuallyValue(what(), timeout: timeout, interval: interval) {
        try await condition() ? () : nil
    }
}

/// `eventually`, for a condition that finds something: returns the first non-nil value.
@discardableResult
public func eventuallyValue<Value>(
    _ what: @autoclosure () -> String, timeout: Duration = .seconds(60), interval: Duration = .milliseconds(100),
    _ attempt: () async throws -> Value?
) async throws -> Value {
    let deadline = ContinuousClock.now + timeout
    var lastError: (any Error)?
    while true {
        do {
            if let value = try await attempt() { return value }
        } catch {
            lastError = error
        }
        guard ContinuousClock.now < deadline else {
            throw WaitTimedOut(what: what(), after: timeout, lastError: lastError.map { "\($0)" })
        }
        if interval > .zero { try await Task.sleep(for: interval) }
    }
}

/// What `eventually` throws: what was awaited, for how long, and the condition's last error.
public struct WaitTimedOut: Error, CustomStringConvertible {
    public let what: String
    public let after: Duration
    public let lastError: String?

    public var description: String {
        "timed out after \(after) waiting for \(what)" + (lastError.map { " (last error: \($0))" } ?? "")
    }
}
