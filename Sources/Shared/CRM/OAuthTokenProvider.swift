import HTTPBridge
import Logging

/// Gets, caches and refreshes the access token of one CRM connection (OAuth 2.0 client
/// credentials). Concurrent callers share one token request. A token is refreshed when
/// `expires_in` says it is about to expire (Dynamics) or when the CRM refuses it with a
/// 401 (`invalidate`, Salesforce sends no lifetime).
///
/// The client secret stays a `Secret` in its `CRMCredentials` until the token request's
/// form body is built; the provider shows it nowhere (an actor's `dump` lists its
/// stored properties: the credentials print themselves redacted).
public actor OAuthTokenProvider {
    private let credentials: CRMCredentials
    private let exchange: CRMExchange
    private let refreshMargin: Duration
    /// The cached token and when to replace it (nil: only when refused).
    private var current: (token: OAuthToken, refreshAt: ContinuousClock.Instant?)?
    private var inFlight: Task<OAuthToken, any Error>?

    /// - Parameter refreshMargin: how long before its announced expiry a token is
    ///   replaced. Default 2 minutes; never more than a tenth of a short lifetime.
    init(credentials: CRMCredentials, exchange: CRMExchange, refreshMargin: Duration = .seconds(120)) {
        self.credentials = credentials
        self.exchange = exchange
        self.refreshMargin = refreshMargin
    }

    /// A token believed valid, fetched when there is none.
    public func token() async throws -> OAuthToken {
        if let current, current.refreshAt.map({ ContinuousClock.now < $0 }) ?? true { return current.token }
        if let inFlight { return try await inFlight.value }
        let requestedAt = ContinuousClock.now
        let task = Task { [credentials, exchange] in try await Self.fetch(credentials, exchange) }
        inFlight = task
        defer { inFlight = nil }
        let token = try await task.value
        let refreshAt = token.expiresAt.map { expiresAt in
            let lifetime = expiresAt - requestedAt
            return requestedAt + max(lifetime - refreshMargin, lifetime * 0.9)
        }
        current = (token, refreshAt)
        return token
    }

    /// Forgets `token` (the CRM refused it), unless a newer one already replaced it;
    /// true when this call forgot it (concurrent calls refused the same token once).
    @discardableResult
    public func invalidate(_ token: OAuthToken) -> Bool {
        guard current?.token.accessToken == token.accessToken else { return false }
        current = nil
        return true
    }

    private static func fetch(_ credentials: CRMCredentials, _ exchange: CRMExchange) async throws -> OAuthToken {
        do {
            return try await exchange.perform(
                "token request", tokens: nil,
                build: { _ in credentials.tokenRequest() },
                decode: { response throws(CRMJSON.Problem) in try parse(response, requestedAt: .now) })
        } catch var error as CRMError where error.code == .remote && (error.status ?? 0) < 500 {
            // invalid_client, invalid_grant…: the credentials, not the CRM, are wrong. A
            // 5xx stays what it is: the token endpoint's trouble, transient.
            error.code = .authentication
            throw error
        }
    }

    /// `{"access_token":"…","expires_in":3599,…}`; `expires_in` may be a number or text,
    /// or absent (Salesforce), `instance_url` is kept when present.
    static func parse(_ response: HTTPResponse, requestedAt: ContinuousClock.Instant) throws(CRMJSON.Problem) -> OAuthToken {
        let object = try CRMJSON.object(response.body)
        guard let accessToken = try CRMJSON.optionalString(object, "access_token"), !accessToken.isEmpty else {
            throw CRMJSON.Problem(description: "the token answer has no 'access_token'")
        }
        var lifetime: Double?
        switch object["expires_in"] {
        case let number as Double: lifetime = number
        case let text as String: lifetime = Double(text)
        default: lifetime = nil
        }
        let expiresAt = lifetime.flatMap { $0 > 0 ? requestedAt.advanced(by: .milliseconds(Int64($0 * 1000))) : nil }
        let instanceURL = try CRMJSON.optionalString(object, "instance_url")
        return OAuthToken(accessToken: accessToken, expiresAt: expiresAt, instanceURL: instanceURL)
    }
}
