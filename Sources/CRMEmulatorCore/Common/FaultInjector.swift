import Synchronization

/// Decides, per CRM request, whether to inject a fault. Thread-safe.
public final class FaultInjector: Sendable {
    public enum Decision: Sendable, Equatable {
        case none
        case throttle(retryAfterSeconds: Int)
        case unavailable
        case truncate
        /// The whole call refused for good (`FaultSettings.refuseWrites`).
        case refuse(FaultSettings.Refusal)
    }

    private let state = Mutex(FaultSettings())

    public init() {}

    public var settings: FaultSettings {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }

    /// Whether to cut this successful write answer (`FaultSettings.truncateNextWrites`);
    /// counts the cut.
    public func takeWriteTruncation() -> Bool {
        state.withLock { settings in
            guard settings.truncateNextWrites > 0 else { return false }
            settings.truncateNextWrites -= 1
            return true
        }
    }

    public func decide() -> Decision {
        let settings = self.settings
        let draw = Double.random(in: 0..<1)
        if draw < settings.throttleShare { return .throttle(retryAfterSeconds: settings.retryAfterSeconds) }
        if draw < settings.throttleShare + settings.unavailableShare { return .unavailable }
        if settings.truncateShare > 0, Double.random(in: 0..<1) < settings.truncateShare { return .truncate }
        return .none
    }
}
