import Config
import HTTPBridge
import Logging

/// The connection's client secret is handed on as the `Secret` it is; only the token
/// request reveals it (`CRMCredentials.tokenRequest`).
extension CRMConnection {
    /// The read-side connector of this connection (Dynamics or Salesforce).
    public func makeSourceConnector(
        http: HTTPClient, logger: Logger, retry: CRMRetryPolicy = .init()
    ) -> any CRMSourceConnector {
        switch kind {
        case .dynamics: DynamicsConnector(configuration: dynamicsConfiguration(retry: retry), http: http, logger: logger)
        case .salesforce: SalesforceConnector(configuration: salesforceConfiguration(retry: retry), http: http, logger: logger)
        }
    }

    /// This connection as a Dynamics configuration: Web API at `<url>/api/data/v<apiVersion>/`.
    public func dynamicsConfiguration(retry: CRMRetryPolicy = .init()) -> DynamicsConfiguration {
        let root = Self.withoutTrailingSlash(url.absoluteString)
        return DynamicsConfiguration(
            organizationURL: root, tokenURL: tokenURL.absoluteString, clientID: clientID,
            clientSecret: clientSecret, scope: scope,
            webAPIURL: root + "/api/data/" + Self.versionSegment(apiVersion) + "/", retry: retry)
    }

    /// This connection as a Salesforce configuration: REST API under `/services/data/v<apiVersion>`.
    public func salesforceConfiguration(retry: CRMRetryPolicy = .init()) -> SalesforceConfiguration {
        SalesforceConfiguration(
            instanceURL: Self.withoutTrailingSlash(url.absoluteString), clientID: clientID,
            clientSecret: clientSecret, tokenURL: tokenURL.absoluteString,
            apiVersion: Self.versionSegment(apiVersion), retry: retry)
    }

    /// `9.2` → `v9.2`; `v60.0` stays.
    private static func versionSegment(_ version: String) -> String {
        version.hasPrefix("v") ? version : "v" + version
    }

    private static func withoutTrailingSlash(_ text: String) -> String {
        text.hasSuffix("/") ? String(text.dropLast()) : text
    }
}
