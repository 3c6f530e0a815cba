import CoreValues

/// How to reach one Salesforce org. Pointing `instanceURL` and `credentials` at the
/// emulator or at a real org is the only difference.
public struct SalesforceConfiguration: Sendable, Hashable {
    /// The instance root, e.g. `https://acme.my.salesforce.com`.
    public var instanceURL: String
    /// REST API version segment. Default `v60.0`.
    public var apiVersion: String
    public var credentials: CRMCredentials
    /// Call the REST API on the token's `instance_url` when it has one (a real org may
    /// answer a token request on a login host). Default true.
    public var useTokenInstanceURL: Bool
    /// The last-modified field when a query names none. Default `SystemModstamp`.
    public var modifiedField: String
    /// Used instead of `modifiedField` for objects that lack it (the CRM answers
    /// `INVALID_FIELD` naming it). Default `LastModifiedDate`.
    public var fallbackModifiedField: String
    /// How far back `getDeleted` reaches: 15 days in current docs (30 in older ones).
    public var deletedRetention: Duration
    /// How far back `getUpdated` reaches. Default 30 days.
    public var updatedRetention: Duration
    /// Longest request URL built for reads by id. Default 8000.
    public var maxURLLength: Int
    public var retry: CRMRetryPolicy
    /// Whole-request timeout of each call. Default 2 minutes.
    public var requestTimeout: Duration
    /// How the process's budget limiter for this user spends the CRM's budgets
    /// (`connections.crm.budget`). The first connector or writer of a process that meets
    /// the user creates the limiter with these; every role of a process reads one file.
    public var budget: CRMBudgetSettings

    /// - Parameter tokenURL: default `<instanceURL>/services/oauth2/token`.
    public init(
        instanceURL: String, clientID: String, clientSecret: Secret, tokenURL: String? = nil,
        apiVersion: String = "v60.0", useTokenInstanceURL: Bool = true,
        modifiedField: String = "SystemModstamp", fallbackModifiedField: String = "LastModifiedDate",
        deletedRetention: Duration = .seconds(15 * 86_400), updatedRetention: Duration = .seconds(30 * 86_400),
        maxURLLength: Int = 8000, retry: CRMRetryPolicy = .init(), requestTimeout: Duration = .seconds(120),
        budget: CRMBudgetSettings = .init()
    ) {
        self.budget = budget
        let root = instanceURL.hasSuffix("/") ? String(instanceURL.dropLast()) : instanceURL
        self.instanceURL = root
        self.apiVersion = apiVersion
        self.credentials = CRMCredentials(
            tokenURL: tokenURL ?? root + "/services/oauth2/token", clientID: clientID, clientSecret: clientSecret)
        self.useTokenInstanceURL = useTokenInstanceURL
        self.modifiedField = modifiedField
        self.fallbackModifiedField = fallbackModifiedField
        self.deletedRetention = deletedRetention
        self.updatedRetention = updatedRetention
        self.maxURLLength = maxURLLength
        self.retry = retry
        self.requestTimeout = requestTimeout
    }

    /// `/services/data/<version>`.
    var dataPath: String { "/services/data/" + apiVersion }
}

extension SalesforceConfiguration: CRMEndpoint {
    var system: String { "salesforce" }
    var limiterKey: String { instanceURL + "|" + credentials.clientID }
}
