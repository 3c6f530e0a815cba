/// An access token and what came with it. Its description hides the token itself.
public struct OAuthToken: Sendable, Hashable, CustomStringConvertible {
    public var accessToken: String
    /// When to stop using it; nil when the CRM does not say (Salesforce: until a 401).
    public var expiresAt: ContinuousClock.Instant?
    /// Salesforce `instance_url`: the root the REST API must be called on.
    public var instanceURL: String?

    public init(accessToken: String, expiresAt: ContinuousClock.Instant? = nil, instanceURL: String? = nil) {
        self.accessToken = accessToken
        self.expiresAt = expiresAt
        self.instanceURL = instanceURL
    }

    public var description: String {
        "OAuthToken(<redacted>, expires: \(expiresAt.map { "\($0)" } ?? "on 401"), instance: \(instanceURL ?? "-"))"
    }
}
