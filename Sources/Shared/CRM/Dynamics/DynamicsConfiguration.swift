import CoreValues

/// How to reach one Dynamics 365 / Dataverse organisation. Pointing `organizationURL`
/// and `credentials` at the emulator or at a real organisation is the only difference.
public struct DynamicsConfiguration: Sendable, Hashable {
    /// The organisation root, e.g. `https://contoso.crm.dynamics.com`.
    public var organizationURL: String
    /// The Web API root. Default `<organizationURL>/api/data/v9.2/`.
    public var webAPIURL: String
    public var credentials: CRMCredentials
    /// The last-modified field when a query names none. Default `modifiedon`.
    public var modifiedField: String
    /// Ask for `…@OData.Community.Display.V1.FormattedValue` annotations and keep them
    /// as fields. Default false.
    public var includeFormattedValues: Bool
    /// Longest request URL built for reads by id; ids are chunked to stay below.
    /// Default 8000 (servers commonly refuse URLs beyond 8 KB).
    public var maxURLLength: Int
    public var retry: CRMRetryPolicy
    /// Whole-request timeout of each call. Default 2 minutes (5000-record pages).
    public var requestTimeout: Duration
    /// How the process's budget limiter for this user spends the CRM's budgets
    /// (`connections.crm.budget`). The first connector or writer of a process that meets
    /// the user creates the limiter with these; every role of a process reads one file.
    public var budget: CRMBudgetSettings

    /// - Parameters:
    ///   - tokenURL: `https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token`.
    ///   - scope: default `<organizationURL>/.default`.
    public init(
        organizationURL: String, tokenURL: String, clientID: String, clientSecret: Secret,
        scope: String? = nil, webAPIURL: String? = nil, modifiedField: String = "modifiedon",
        includeFormattedValues: Bool = false, maxURLLength: Int = 8000,
        retry: CRMRetryPolicy = .init(), requestTimeout: Duration = .seconds(120),
        budget: CRMBudgetSettings = .init()
    ) {
        self.budget = budget
        let root = organizationURL.hasSuffix("/") ? String(organizationURL.dropLast()) : organizationURL
        self.organizationURL = root
        var api = webAPIURL ?? root + "/api/data/v9.2/"
        if !api.hasSuffix("/") { api += "/" }
        self.webAPIURL = api
        self.credentials = CRMCredentials(
            tokenURL: tokenURL, clientID: clientID, clientSecret: clientSecret, scope: scope ?? root + "/.default")
        self.modifiedField = modifiedField
        self.includeFormattedValues = includeFormattedValues
        self.maxURLLength = maxURLLength
        self.retry = retry
        self.requestTimeout = requestTimeout
    }
}

extension DynamicsConfiguration: CRMEndpoint {
    var system: String { "dynamics" }
    var limiterKey: String { webAPIURL + "|" + credentials.clientID }
}
