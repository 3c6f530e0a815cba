import Foundation

/// The decisions of a role's supervisor, apart from any I/O (swift-kafka-client's
/// `KafkaProducer.StateMachine` shape): `SupervisorLoop` tells it what the operator asks
/// for and what happened to the work, and does what the returned actions say.
struct SupervisorStateMachine: Sendable {
    /// One press of Start: the config version it runs and when it was pressed. A new
    /// press (even of the same version) is a new start, which also clears a failure.
    struct Start: Sendable, Equatable {
        var version: Int
        var startedAt: Date?
    }

    /// What `crmbridge.workflows` says the operator wants.
    enum Desired: Sendable, Equatable {
        case running(Start)
        case stopped
    }

    enum Action: Sendable, Equatable {
        /// Nothing to change.
        case keep
        /// Stop the running work.
        case stop
        /// Start work for this start (nothing runs).
        case start(Start)
        /// Stop the running work, then start work for this start.
        case replace(Start)
    }

    /// What the work's error means for it.
    enum ErrorOutcome: Sendable, Equatable {
        /// It was cancelled (Stop, shutdown): end quietly.
        case end
        /// Only an operator can fix it: the role is FAILED until Start is pressed again.
        case fail(String)
        /// Transient: retry after the backoff.
        case retry(String)
    }

    /// What the next heartbeat reports.
    struct Beat: Sendable, Equatable {
        var state: RoleState
        var configVersion: Int?
        var lastError: String?
        /// Whether the work's counters and details go with it (not for a failure).
        var includesDetail: Bool
    }

    /// The start whose work runs (or ran and ended), nil when none.
    private(set) var current: Start?
    /// The unrecoverable error of a start, kept until Start is pressed again.
    private var failure: (start: Start, message: String)?
    /// The last transient error of the current work, shown while it retries.
    private var lastError: String?

    /// Compares what the operator asks for with what runs.
    mutating func desired(_ desired: Desired) -> Action {
        switch desired {
        case .stopped:
            failure = nil
            return current == nil ? .keep : .stop
        case .running(let start):
            if current == start { return .keep }
            if failure?.start == start {
                // This start failed: stay FAILED, run nothing until the next press.
                return current == nil ? .keep : .stop
            }
            failure = nil
            return current == nil ? .start(start) : .replace(start)
        }
    }

    /// The work of `start` was started.
    mutating func started(_ start: Start) {
        current = start
        lastError = nil
    }

    /// The work was stopped and has ended.
    mutating func stopped() {
        current = nil
        lastError = nil
    }

    /// The work of `start` ended with `error`; says what comes next. Reports of work that
    /// no longer runs change nothing.
    mutating func workThrew(_ start: Start, _ error: any Error, isCancelled: Bool) -> ErrorOutcome {
        let outcome = Self.outcome(of: error, isCancelled: isCancelled)
        guard current == start else { return outcome }
        switch outcome {
        case .end: break
        case .fail(let message): failure = (start, message)
        case .retry(let message): lastError = message
        }
        return outcome
    }

    /// The work of `start` runs again after a transient error: the error is no longer
    /// shown (it stays in the log and in `crmbridge_errors_total`).
    mutating func recovered(_ start: Start) {
        guard current == start else { return }
        lastError = nil
    }

    static func outcome(of error: any Error, isCancelled: Bool) -> ErrorOutcome {
        if error is CancellationError || isCancelled { return .end }
        if let failure = error as? RoleFailure { return .fail(failure.message) }
        return .retry("\(error)")
    }

    /// The heartbeat: FAILED with the failure's message, else RUNNING once the work said it
    /// runs, STARTING before, IDLE when nothing runs.
    func beat(workIsRunning: Bool) -> Beat {
        if let failure {
            return Beat(state: .failed, configVersion: failure.start.version, lastError: failure.message, includesDetail: false)
        }
        guard let current else {
            return Beat(state: .idle, configVersion: nil, lastError: lastError, includesDetail: false)
        }
        return Beat(state: workIsRunning ? .running : .starting, configVersion: current.version,
                    lastError: lastError, includesDetail: true)
    }

    /// The pause before the next retry: `initial` after the first error, doubled after
    /// each further one, at most `maximum`.
    static func retryDelay(afterErrors errors: Int, initial: Duration, maximum: Duration = .seconds(30)) -> Duration {
        var delay = initial
        for _ in 1..<max(1, errors) {
            delay = delay * 2
            if delay >= maximum { return maximum }
        }
        return min(delay, maximum)
    }
}
