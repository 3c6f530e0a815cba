import Logging

/// The control service's entry to the Campaign migrations (one mechanism, one lock,
/// whichever process starts first).
public enum BridgeSchema {
    public static func createIfMissing(
        on database: some PostgresQueryable, logger: Logger = Logger(label: "crmbridge.migrations"),
        isolation: isolated (any Actor)? = #isolation
    ) async throws {
        try await CampaignMigrations.run(on: database, logger: logger, isolation: isolation)
    }
}
