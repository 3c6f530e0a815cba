import Logging

/// Applies `Migration`s once each, in version order, recording them in
/// `crmbridge.schema_migrations (version, name, applied_at)`.
///
/// Every step holds a transaction-scoped advisory lock, so two processes starting at once
/// serialise: the second one waits, sees the versions the first applied, and skips them.
/// Each migration runs in its own transaction with its record, so a failing migration
/// leaves no trace and the ones before it stay applied.
public struct MigrationRunner: Sendable {
    /// The advisory lock key shared by every runner ("crmbmigr").
    public static let advisoryLockKey: Int64 = 0x6372_6D62_6D69_6772

    public let migrations: [Migration]
    private let logger: Logger

    /// Refuses duplicate or non-positive versions; sorts the rest.
    public init(migrations: [Migration], logger: Logger) throws {
        let versions = migrations.map(\.version)
        guard Set(versions).count == versions.count else {
            throw PostgresError.invalidArgument("migration versions must be unique", operation: "migrate")
        }
        if let bad = versions.first(where: { $0 <= 0 }) {
            throw PostgresError.invalidArgument("migration version \(bad) must be positive", operation: "migrate")
        }
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.logger = logger
    }

    /// Applies what is missing and returns the versions this call applied.
    @discardableResult
    public func run(
        on database: some PostgresQueryable,
        isolation: isolated (any Actor)? = #isolation
    ) async throws -> [Int] {
        let recorded = try await database.atomically(isolation: isolation) { transaction in
            try await lock(transaction)
            try await transaction.executeScript("""
                CREATE SCHEMA IF NOT EXISTS crmbridge;
                CREATE TABLE IF NOT EXISTS crmbridge.schema_migrations (
                  version bigint PRIMARY KEY,
                  name text NOT NULL,
                  applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
            return try await appliedNames(transaction)
        }
        for migration in migrations {
            if let name = recorded[migration.version], name != migration.name {
                logger.warning("applied migration has another name now", metadata: [
                    "version": "\(migration.version)", "recorded": "\(name)", "current": "\(migration.name)",
                ])
            }
        }
        var applied: [Int] = []
        for migration in migrations where recorded[migration.version] == nil {
            let didApply = try await database.atomically(isolation: isolation) { transaction in
                try await lock(transaction)
                // Another process may have applied it while this one waited for the lock.
                guard try await appliedNames(transaction)[migration.version] == nil else { return false }
                try await transaction.executeScript(migration.sql)
                try await transaction.execute(
                    "INSERT INTO crmbridge.schema_migrations (version, name) VALUES ($1, $2)",
                    [String(migration.version), migration.name])
                return true
            }
            if didApply {
                logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                applied.append(migration.version)
            }
        }
        return applied
    }

    private func lock(_ transaction: PostgresTransaction) async throws {
        _ = try await transaction.query("SELECT pg_advisory_xact_lock($1::bigint)", [String(Self.advisoryLockKey)])
    }

    private func appliedNames(_ transaction: PostgresTransaction) async throws -> [Int: String] {
        let rows = try await transaction.query("SELECT version, name FROM crmbridge.schema_migrations")
        var names: [Int: String] = [:]
        for row in rows {
            if let version = try row.int("version") { names[version] = row["name"] ?? "" }
        }
        return names
    }
}
