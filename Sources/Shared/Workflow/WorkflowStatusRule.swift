import Foundation

/// Derives a workflow's status from what the operator asked for and what its roles
/// last reported. Pure, so it is tested alone; the control service and the CLI
/// both show what it says.
public struct WorkflowStatusRule: Sendable {
    public struct Heartbeat: Sendable, Equatable {
        public var role: String
        public var instance: String
        public var state: RoleState
        public var configVersion: Int?
        public var lastError: String?
        public var at: Date

        public init(role: String, instance: String, state: RoleState, configVersion: Int?, lastError: String?, at: Date) {
            self.role = role
            self.instance = instance
            self.state = state
            self.configVersion = configVersion
            self.lastError = lastError
            self.at = at
        }
    }

    public struct Verdict: Sendable, Equatable {
        public var status: WorkflowStatus
        public var reason: String?
    }

    /// A role that has not reported for this long is not running.
    public var staleAfter: Duration

    public init(staleAfter: Duration = .seconds(5)) {
        self.staleAfter = staleAfter
    }

    /// - Parameters:
    ///   - roles: the roles this workflow needs (e.g. `reader`, `writer`).
    ///   - startedAt: when Start was last pressed (heartbeats older than it don't count).
    public func verdict(
        desired: DesiredState, runningVersion: Int?, roles: [String],
        heartbeats: [Heartbeat], startedAt: Date?, now: Date
    ) -> Verdict {
        guard desired == .running else { return Verdict(status: .stopped, reason: nil) }
        let fresh = heartbeats.filter { now.timeIntervalSince($0.at) <= staleAfter.seconds }

        // A failure reported before the last Start belongs to the previous run: Start
        // after a fix shows STARTING, not the old failure, until the roles report again.
        let failures = fresh.filter { beat in beat.state == .failed && startedAt.map { beat.at >= $0 } ?? true }
        if let failed = failures.first {
            return Verdict(status: .failed, reason: "\(failed.role): \(failed.lastError ?? "failed")")
        }
        var waiting: [String] = []
        for role in roles {
            let current = fresh.filter { $0.role == role && $0.configVersion == runningVersion && $0.state == .running }
            if !current.isEmpty { continue }
            // A role that ran this start and then went silent is not running: say so.
            if let last = heartbeats.filter({ $0.role == role }).max(by: { $0.at < $1.at }),
               let startedAt, last.at >= startedAt, last.state == .running,
               now.timeIntervalSince(last.at) > staleAfter.seconds {
                let silence = Int(now.timeIntervalSince(last.at))
                return Verdict(status: .failed, reason: "\(role): not running (no heartbeat for \(silence)s)")
            }
            waiting.append(role)
        }
        if waiting.isEmpty { return Verdict(status: .running, reason: nil) }
        return Verdict(status: .starting, reason: "waiting for \(waiting.joined(separator: ", "))")
    }
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    public var seconds: TimeInterval {
        let (s, attoseconds) = components
        return TimeInterval(s) + TimeInterval(attoseconds) / 1e18
    }
}
