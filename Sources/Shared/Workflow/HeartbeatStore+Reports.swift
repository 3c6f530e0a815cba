import Config
import Foundation

extension HeartbeatStore {
    /// What one role instance last reported, with its `detail` JSON: the totals of its
    /// `RoleCounters` (`recordsRead`, `recordsPublished`, `recordsWritten`,
    /// `recordsRejected`, `batches`, `errors`, `latencySecondsSum`, `latencyCount`: the
    /// same counts its `/metrics` serves) and free-form facts.
    public struct Report: Sendable, Equatable {
        public var role: String
        public var instance: String
        public var state: RoleState
        public var configVersion: Int?
        public var lastError: String?
        public var detail: String
        public var at: Date

        public init(role: String, instance: String, state: RoleState, configVersion: Int?, lastError: String?,
                    detail: String, at: Date) {
            self.role = role
            self.instance = instance
            self.state = state
            self.configVersion = configVersion
            self.lastError = lastError
            self.detail = detail
            self.at = at
        }

        /// As `WorkflowStatusRule` reads it.
        public var heartbeat: WorkflowStatusRule.Heartbeat {
            .init(role: role, instance: instance, state: state, configVersion: configVersion, lastError: lastError, at: at)
        }
    }

    /// Every instance's last report for `workflow`, stale ones included (a killed
    /// process leaves its last counters behind), with the database's `now()`.
    public func reports(_ workflow: WorkflowName) async throws -> (reports: [Report], now: Date) {
        let rows = try await database.query(
            """
            SELECT now() AS db_now, h.role, h.instance, h.state, h.config_version, h.last_error,
                   h.detail::text AS detail, h.heartbeat_at
            FROM (SELECT 1) AS one
            LEFT JOIN crmbridge.role_heartbeats AS h ON h.workflow = $1
            ORDER BY h.role, h.instance
            """,
            [workflow.rawValue])
        var now = Date()
        var reports: [Report] = []
        for row in 0..<rows.rowCount {
            if let dbNow = try rows.date(row, "db_now") { now = dbNow }
            guard let role = try rows.string(row, "role"), let at = try rows.date(row, "heartbeat_at") else { continue }
            reports.append(Report(
                role: role, instance: try rows.string(row, "instance") ?? "",
                state: RoleState(rawValue: try rows.string(row, "state") ?? "") ?? .idle,
                configVersion: try rows.int(row, "config_version"), lastError: try rows.string(row, "last_error"),
                detail: try rows.string(row, "detail") ?? "{}", at: at))
        }
        return (reports, now)
    }
}
