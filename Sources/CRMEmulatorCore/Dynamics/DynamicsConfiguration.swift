/// Everything a `DynamicsEmulator` starts from: tables, seeded row counts, credentials,
/// token lifetime, change-tracking retention and service protection limits.
public struct DynamicsConfiguration: Sendable {
    /// Tables served under `/api/data/v9.2/`.
    public var entities: [DynamicsEntityDefinition]
    /// Rows seeded per entity set at start and on reset (`contacts` → 1000).
    public var seedCounts: [String: Int]
    /// Makes seeded values differ between configurations; same value, same data.
    public var randomSeed: UInt64
    /// Client id accepted by the token endpoint. Default `crmbridge-demo`.
    public var clientId: String
    /// Client secret accepted by the token endpoint. Default `demo-secret`.
    public var clientSecret: String
    /// Lifetime of issued tokens. Default 3599 seconds, as Entra ID answers.
    public var tokenLifetime: Duration
    /// How long deletes are kept and delta tokens stay valid. Default 7 days.
    public var changeTrackingRetention: Duration
    /// Service protection limits per client (defaults from Microsoft's documentation).
    public var limits: DynamicsServiceLimits
    /// Maximum operations in one `$batch`. Default 1000.
    public var maximumBatchOperations: Int

    public init(
        entities: [DynamicsEntityDefinition], seedCounts: [String: Int] = [:], randomSeed: UInt64 = 1,
        clientId: String = "crmbridge-demo", clientSecret: String = "demo-secret",
        tokenLifetime: Duration = .seconds(3599), changeTrackingRetention: Duration = .seconds(7 * 86_400),
        limits: DynamicsServiceLimits = DynamicsServiceLimits(), maximumBatchOperations: Int = 1000
    ) {
        self.entities = entities
        self.seedCounts = seedCounts
        self.randomSeed = randomSeed
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.tokenLifetime = tokenLifetime
        self.changeTrackingRetention = changeTrackingRetention
        self.limits = limits
        self.maximumBatchOperations = maximumBatchOperations
    }

    /// The demo organisation: contacts, accounts, leads, opportunities, the custom
    /// `crmb_memberships` table and the four email-event activity tables. `seed` rows
    /// are seeded into contacts, accounts and memberships, a tenth of that into leads and
    /// opportunities; email events start empty.
    public static func demo(seed: Int) -> DynamicsConfiguration {
        let count = max(0, seed)
        return DynamicsConfiguration(
            entities: DynamicsDemoSchema.entities,
            seedCounts: [
                "accounts": count, "contacts": count, "crmb_memberships": count,
                "leads": count / 10, "opportunities": count / 10,
            ])
    }
}
