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
    /// Share of the execution-time budget kept free for calls that cost more than
    /// estimated. Default 0.03.
    public var margin: Double
    /// A call's execution time is estimated as this quantile of the last 16 calls' (1: the
    /// most of them). Default 1.
    public var costQuantile: Double
    /// Count a call's execution time from the request about to be sent to the answer's
    /// status line (`HTTPResponse.serverWait`) instead of from the permit to the answer
    /// read (default). Off by default: `make bench` (egress-crm) measured no gain in the
    /// budget share within its noise, and the dearer count is what keeps the calls the
    /// limiter admits covered while a loaded client is slow to send them (beside two
    /// `yes` processes the 429 test saw 2 of 203 requests answered 429 with it on, 0 in
    /// ten runs with it off; docs/performance.md, egress).
    public var countsServerWait: Bool

    public init(
        maxConcurrency: Int = 52, initialConcurrency: Int = 4, allocationReserve: Double = 0.10,
        probeInterval: Duration = .seconds(60), budgetWindow: Duration = .seconds(300), windowSlack: Duration = .seconds(1),
        margin: Double = 0.03, costQuantile: Double = 1, countsServerWait: Bool = false
    ) {
        self.maxConcurrency = min(max(1, maxConcurrency), 52)
        self.initialConcurrency = min(max(1, initialConcurrency), self.maxConcurrency)
        self.allocationReserve = min(max(0, allocationReserve), 0.9)
        self.probeInterval = probeInterval
        self.budgetWindow = budgetWindow
        self.windowSlack = windowSlack
        self.margin = min(max(0, margin), 0.5)
        self.costQuantile = min(max(0.5, costQuantile), 1)
        self.countsServerWait = countsServerWait
    }
}
