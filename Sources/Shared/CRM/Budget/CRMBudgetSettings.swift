/// How a `CRMBudgetLimiter` spends a CRM's budgets.
public struct CRMBudgetSettings: Sendable, Hashable {
    /// Most requests in flight at once; Dataverse refuses more than 52 per user
    /// (`0x80072326`), so that is the default and the ceiling. `x-ms-dop-hint` lowers it.
    public var maxConcurrency: Int
    /// Requests in flight at the start, before any answer taught the limiter more.
    public var initialConcurrency: Int
    /// Share of Salesforce's daily API allocation (`Sforce-Limit-Info: api-usage=N/M`)
    /// kept back: once `N/M` reaches `1 - allocationReserve` the limiter holds back.
    /// Default 0.10.
    public var allocationReserve: Double
    /// While holding back, one request per interval goes out to learn whether the usage
    /// fell (its answer carries the header again). Default 60 s.
    public var probeInterval: Duration
    /// The service-protection window the `x-ms-ratelimit-*-remaining-xrm-requests`
    /// answer headers count over (Dataverse: 5 minutes, sliding).
    public var budgetWindow: Duration
    /// Margin added to the window before the limiter counts its own spend as freed:
    /// the server's clock and rounding are not the client's.
    public var windowSlack: Duration

    public init(
        maxConcurrency: Int = 52, initialConcurrency: Int = 4, allocationReserve: Double = 0.10,
        probeInterval: Duration = .seconds(60), budgetWindow: Duration = .seconds(300), windowSlack: Duration = .seconds(1)
    ) {
        self.maxConcurrency = min(max(1, maxConcurrency), 52)
        self.initialConcurrency = min(max(1, initialConcurrency), self.maxConcurrency)
        self.allocationReserve = min(max(0, allocationReserve), 0.9)
        self.probeInterval = probeInterval
        self.budgetWindow = budgetWindow
        self.windowSlack = windowSlack
    }
}
