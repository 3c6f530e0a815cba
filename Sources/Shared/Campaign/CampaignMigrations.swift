import Logging

/// Brings the Campaign database to the product's schema (crmbridge bookkeeping and
/// Campaign's own tables). Every process runs it at start; applying is serialized
/// and idempotent, so starting several at once is safe.
public enum CampaignMigrations {
    public static func run(databaseURL: String, logger: Logger) async throws {
        let database = try await PostgresConnection.connect(url: databaseURL, logger: logger)
        defer { Task { await database.close() } }
        try await database.transaction { tx in
            try await tx.execute("SELECT pg_advisory_xact_lock(hashtext('crmbridge/migrations')::bigint)", [])
            try await tx.executeScript("CREATE SCHEMA IF NOT EXISTS crmbridge; CREATE TABLE IF NOT EXISTS crmbridge.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")
            let rows = try await tx.query("SELECT version FROM crmbridge.schema_migrations", [])
            let applied = Set((0..<rows.rowCount).compactMap { try? rows.int($0, "version") ?? nil })
            for (version, name, sql) in steps where !applied.contains(version) {
                logger.info("applying migration", metadata: ["version": "\(version)", "name": "\(name)"])
                try await tx.executeScript(sql)
                try await tx.execute("INSERT INTO crmbridge.schema_migrations (version, name) VALUES ($1, $2)", [String(version), name])
            }
        }
    }

    static let steps: [(Int, String, String)] = [
        (1, "crmbridge schema", CampaignSchemaSQL.bridgeSchema),
        (2, "campaign tables", CampaignSchemaSQL.campaignTables),
        (3, "memberships points and creation time", CampaignSchemaSQL.membershipsPointsAndCreated),
        (4, "rejects once per message", CampaignSchemaSQL.rejectsOncePerMessage),
    ]
}
