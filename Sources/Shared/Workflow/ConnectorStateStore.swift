import Config
import PostgresBridge

/// Connector bookkeeping that operators don't edit (`crmbridge.connector_state`):
/// Dynamics delta links, the end of the last deleted-records window, resync requests.
public struct ConnectorStateStore: Sendable {
    public enum Key: String, Sendable {
        case deltaLink = "delta-link"
        case deletedUntil = "deleted-until"
        case resyncRequested = "resync-requested"
    }

    let database: any PostgresQueryable

    public init(database: any PostgresQueryable) {
        self.database = database
    }

    public func get(_ workflow: WorkflowName, entity: String, _ key: Key) async throws -> String? {
        let rows = try await database.query(
            "SELECT value FROM crmbridge.connector_state WHERE workflow = $1 AND entity = $2 AND key = $3",
            [workflow.rawValue, entity, key.rawValue])
        return rows.rowCount == 0 ? nil : try rows.string(0, "value")
    }

    public func set(_ workflow: WorkflowName, entity: String, _ key: Key, _ value: String) async throws {
        try await database.execute(
            """
            INSERT INTO crmbridge.connector_state (workflow, entity, key, value, updated_at) VALUES ($1, $2, $3, $4, now())
            ON CONFLICT (workflow, entity, key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()
            """,
            [workflow.rawValue, entity, key.rawValue, value])
    }

    public func remove(_ workflow: WorkflowName, entity: String, _ key: Key) async throws {
        try await database.execute(
            "DELETE FROM crmbridge.connector_state WHERE workflow = $1 AND entity = $2 AND key = $3",
            [workflow.rawValue, entity, key.rawValue])
    }
}
