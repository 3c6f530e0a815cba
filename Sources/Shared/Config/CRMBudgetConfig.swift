/// How the roles spend the CRM's budgets (`connections.crm.budget`): every role of a
/// process shares one limiter per CRM user (docs/performance.md, "Egress"). The same
/// values reach every workflow, so the three workflows share one budget the same way.
public struct CRMBudgetConfig: Sendable, Equatable {
    /// Most requests in flight at once (key `maxConcurrency`, 1-52). Dataverse refuses
    /// more than 52 per user; its `x-ms-dop-hint` lowers it further. Default 52.
    public var maxConcurrency: Int
    /// Share of Salesforce's daily API allocation kept back (key `allocationReserve`,
    /// `10%` or `0.1`, 0-90 %): once `Sforce-Limit-Info` says `1 - reserve` is used, calls
    /// hold back until the usage falls. Salesforce only. Default 10 %.
    public var allocationReserve: Double
    /// While holding back, one call per interval goes out to learn whether the usage fell
    /// (key `probeInterval`). Salesforce only. Default 60 s.
    public var probeInterval: Duration

    public static let defaultMaxConcurrency = 52
    public static let defaultAllocationReserve = 0.10
    public static let defaultProbeInterval: Duration = .seconds(60)
    /// Dataverse's concurrent-request limit per user.
    public static let concurrencyRange = 1...52
    /// A reserve of more than 90 % would leave the roles nearly nothing to spend.
    public static let reserveRange = 0.0...0.9

    public init(maxConcurrency: Int = Self.defaultMaxConcurrency, allocationReserve: Double = Self.defaultAllocationReserve,
                probeInterval: Duration = Self.defaultProbeInterval) {
        self.maxConcurrency = maxConcurrency
        self.allocationReserve = allocationReserve
        self.probeInterval = probeInterval
    }

    static let yamlKeys = ["maxConcurrency", "allocationReserve", "probeInterval"]
}
