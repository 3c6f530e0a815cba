import Foundation

/// One retry a CRM write side is about to make: a throttled or failed call sent again,
/// records of a batch answered with a transient error sent again, or an expired token
/// refreshed. Given to the caller's observer before the pause, so a role can count it
/// (`/metrics`) and show the reason in the workflow's status while it waits. It names
/// the operation and the reason, never a value, a token or a body.
public struct CRMRetryNotice: Sendable, CustomStringConvertible {
    public var system: String
    /// What was being done, e.g. `upsert 100 email events ($batch)`.
    public var operation: String
    /// Why it is retried: `HTTP 429`, `HTTP 503`, `transport`, `access token refused`, …
    public var reason: String
    /// The send that failed (1-based) and how many the policy allows.
    public var attempt: Int
    public var maxAttempts: Int
    /// The pause before the next send (zero for a token refresh).
    public var wait: Duration
    /// Not a retry: the budget limiter holds calls back (the daily allocation is nearly
    /// spent); `reason` says so and the description is that reason alone.
    public var isHoldingBack: Bool

    public init(system: String, operation: String, reason: String, attempt: Int, maxAttempts: Int, wait: Duration, isHoldingBack: Bool = false) {
        self.isHoldingBack = isHoldingBack
        self.system = system
        self.operation = operation
        self.reason = reason
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.wait = wait
    }

    public var description: String {
        if isHoldingBack { return "\(reason) (\(system))" }
        let seconds = Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
        let pause = seconds > 0 ? ", next try in \(String(format: "%.1f", seconds))s" : ""
        return "\(system) answered \(reason) to \(operation); retrying (attempt \(attempt) of \(maxAttempts)\(pause))"
    }
}

/// Called for every retry a CRM write side makes; must not block.
public typealias CRMRetryObserver = @Sendable (CRMRetryNotice) -> Void
