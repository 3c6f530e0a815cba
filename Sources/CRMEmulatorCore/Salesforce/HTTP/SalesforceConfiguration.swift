/// How the emulated Salesforce org behaves. Defaults follow the platform's
/// documented values where one exists.
public struct SalesforceConfiguration: Sendable {
    /// Client credentials the token endpoint accepts. Default `crmbridge-demo`.
    public var clientID = "crmbridge-demo"
    /// Default `demo-secret`.
    public var clientSecret = "demo-secret"
    /// A second connected app, run as another user (`SalesforceUsers.person`): a person
    /// or another application editing the org, whose writes carry its own
    /// `LastModifiedById`. Default `crmbridge-user` / `user-secret`.
    public var personClientID = "crmbridge-user"
    public var personClientSecret = "user-secret"
    /// Records of Contact, Account and `CRMB_Membership__c` seeded at start and on
    /// reset (a quarter as many Leads and Opportunities). Default 0.
    public var seedCount = 0
    /// The instant seeded timestamps are spread back from, in milliseconds since
    /// the epoch. Default nil: when the emulator is created (to the minute).
    public var seedAnchor: Int64?
    /// Daily API request allocation (`REQUEST_LIMIT_EXCEEDED` once spent).
    /// Default 100,000, an Enterprise org's base allocation.
    public var dailyAPIRequests = 100_000
    /// How far back `getUpdated` reaches. Default 30 days.
    public var getUpdatedMaxAge: Duration = .seconds(30 * 86_400)
    /// How far back `getDeleted` reaches. Default 15 days (older docs say 30).
    public var getDeletedMaxAge: Duration = .seconds(15 * 86_400)
    /// Session lifetime before `INVALID_SESSION_ID`. Default 2 hours.
    public var sessionTimeout: Duration = .seconds(2 * 3600)
    /// API versions served under `/services/data/vNN.0`. Default 31...62.
    public var apiVersions: ClosedRange<Int> = 31...62
    /// Query page size without `Sforce-Query-Options`. Default 2000.
    public var defaultBatchSize = 2000
    /// Query cursors kept open at once. Default 10, as on the platform.
    public var maximumOpenCursors = 10
    /// Idle query cursors expire after this. Default 15 minutes.
    public var cursorIdleTimeout: Duration = .seconds(15 * 60)
    /// Records per sObject Collections request. Default 200.
    public var maximumCollectionRecords = 200
    /// Largest request body accepted. Default 50 MiB.
    public var maximumRequestBytes = 50 << 20

    public init() {}

    /// The demo org of `make run` and the tests: `seed` records per object.
    public static func demo(seed: Int) -> Self {
        var configuration = Self()
        configuration.seedCount = max(0, seed)
        return configuration
    }
}
