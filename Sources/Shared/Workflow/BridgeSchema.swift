import CoreValues
import Logging
import PostgresBridge

/// The bridge's own schema (`crmbridge.*`: workflows, options, rejects, heartbeats,
/// connector state, tombstones, the full-load ledger). Every process runs it at start; `MigrationRunner`
/// serializes and records the steps, so starting several processes at once is safe.
/// It creates nothing outside `crmbridge`: Campaign's tables are the customer's.
public enum BridgeSchema {
    public static let migrations: [Migration] = [
        Migration(version: 1, name: "crmbridge schema", sql: BridgeSchemaSQL.bridgeSchema),
        Migration(version: 4, name: "rejects once per message", sql: BridgeSchemaSQL.rejectsOncePerMessage),
        Migration(version: 5, name: "full-load ledger", sql: BridgeSchemaSQL.fullLoadLedger),
        Migration(version: 6, name: "opt-in-out sync state", sql: BridgeSchemaSQL.optOutSyncState),
        Migration(version: 7, name: "opt-in-out write stamps", sql: BridgeSchemaSQL.optOutWriteStamps),
        Migration(version: 8, name: "full-load ledger: a table per load", sql: BridgeSchemaSQL.fullLoadLedgerPerLoad),
        Migration(version: 9, name: "opt-in-out previous writes", sql: BridgeSchemaSQL.optOutPreviousWrites),
    ]

    public static func createIfMissing(databaseURL: Secret, logger: Logger) async throws {
        let database = try await PostgresConnection.connect(url: databaseURL, logger: logger)
        do {
            try await createIfMissing(on: database, logger: logger)
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }

    /// The same on an open connection.
    public static func createIfMissing(
        on database: some PostgresQueryable, logger: Logger = Logger(label: "crmbridge.migrations"),
        isolation: isolated (any Actor)? = #isolation
    ) async throws {
        try await MigrationRunner(migrations: migrations, logger: logger).run(on: database, isolation: isolation)
    }
}
