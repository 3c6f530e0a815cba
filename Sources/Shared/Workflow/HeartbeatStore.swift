import Config
import Foundation
import PostgresBridge

/// Role heartbeats in `crmbridge.role_heartbeats`. Ages are computed with the
/// database's clock, so a skewed role clock cannot fake a live role.
public struct HeartbeatStore: Sendable {
    let database: any PostgresQueryable

    public init(database: any PostgresQueryable) {
        self.database = database
    }

    public func beat(
        workflow: WorkflowName, role: String, instance: String, state: RoleState,
        configVersion: Int?, lastError: String?, detail: String = "{}"
    ) async throws {
        try await database.execute(
            """
            INSERT INTO crmbridge.role_heartbeats (workflow, role, instance, state, config_version, last_error, detail, heartbeat_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, now())
            ON CONFLICT (workflow, role, instance) DO UPDATE SET state = EXCLUDED.state,
                config_version = EXCLUDED.config_version, last_error = EXCLUDED.last_error,
                detail = EXCLUDED.detail, heartbeat_at = now()
            """,
            [workflow.rawValue, role, instance, state.rawValue, configVersion.map(String.init), lastError, detail])
    }

    /// A role that exits cleanly removes its row at once.
    public func remove(workflow: WorkflowName, role: String, instance: String) async throws {
        try await database.execute(
            "DELETE FROM crmbridge.role_heartbeats WHERE workflow = $1 AND role = $2 AND instance = $3",
            [workflow.rawValue, role, instance])
    }

    /// Heartbeats of a workflow with the database's `now()`, for `WorkflowStatusRule`.
    public func heartbeats(_ workflow: WorkflowName) async throws -> (beats: [WorkflowStatusRule.Heartbeat], now: Date) {
        let rows = try await database.query(
            "SELECT role, instance, state, config_version, last_error, heartbeat_at, now() AS db_now FROM crmbridge.role_heartbeats WHERE workflow = $1 UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, NULL, now()",
            [workflow.rawValue])
        var beats: [WorkflowStatusRule.Heartbeat] = []
        var now = Date()
        for row in 0..<rows.rowCount {
            if let dbNow = try rows.date(row, "db_now") { now = dbNow }
            guard let role = try rows.string(row, "role"), let at = try rows.date(row, "heartbeat_at") else { continue }
            beats.append(.init(
                role: role, instance: try rows.string(row, "instance") ?? "",
                state: RoleState(rawValue: try rows.string(row, "state") ?? "") ?? .idle,
                configVersion: try rows.int(row, "config_version"),
                lastError: try rows.string(row, "last_error"), at: at))
        }
        return (beats, now)
    }
}
