import Logging

/// Brings the Campaign database to the product's schema (crmbridge bookkeeping and
/// Campaign's own tables). Every process runs it at start; `MigrationRunner` serializes
/// and records the steps, so starting several processes at once is safe.
public enum CampaignMigrations {
    public static let migrations: [Migration] = [
        Migration(version: 1, name: "crmbridge schema", sql: CampaignSchemaSQL.bridgeSchema),
        Migration(version: 2, name: "campaign tables", sql: CampaignSchemaSQL.campaignTables),
        Migration(version: 3, name: "memberships points and creation time", sql: CampaignSchemaSQL.membershipsPointsAndCreated),
        Migration(version: 4, name: "rejects once per message", sql: CampaignSchemaSQL.rejectsOncePerMessage),
    ]

    public static func run(databaseURL: String, logger: Logger) async throws {
        let database = try await PostgresConnection.connect(url: databaseURL, logger: logger)
        do {
            try await run(on: database, logger: logger)
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }

    /// The same on an open connection.
    public static func run(
        on database: some PostgresQueryable, logger: Logger, isolation: isolated (any Actor)? = #isolation
    ) async throws {
        try await MigrationRunner(migrations: migrations, logger: logger).run(on: database, isolation: isolation)
    }
}
