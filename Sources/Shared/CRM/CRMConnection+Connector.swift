import Config
import HTTPBridge
import Logging

/// The connection's client secret is handed on as the `Secret` it is; only the token
/// request reveals it (`CRMCredentials.tokenRequest`).
extension CRMConnection {
    /// The read-side connector of this connection (Dynamics or Salesforce).
    /// - Parameter observer: told about each call (a reader's "CRM not answering" reason).
    /// - Parameter onRetry: told of every retry of a call (a role counts them in its `/metrics`).
    public func makeSourceConnector(
        http: HTTPClient, logger: Logger, retry: CRMRetryPolicy = .init(), observer: (any CRMCallObserver)? = nil,
        onRetry: CRMRetryObserver? = nil
    ) -> any CRMSourceConnector {
        makeConnector(http: http, logger: logger, retry: retry, observer: observer, onRetry: onRetry)
    }

    /// The metadata side of this connection: what objects and fields the CRM has.
    public func makeMetadataSource(
        http: HTTPClient, logger: Logger, retry: CRMRetryPolicy = .init(), observer: (any CRMCallObserver)? = nil,
        onRetry: CRMRetryObserver? = nil
    ) -> any CRMMetadataSource {
        makeConnector(http: http, logger: logger, retry: retry, observer: observer, onRetry: onRetry)
    }

    /// Both connectors read records and metadata; callers get the side they asked for.
    private func makeConnector(
        http: HTTPClient, logger: Logger, retry: CRMRetryPolicy, observer: (any CRMCallObserver)?, onRetry: CRMRetryObserver?
    ) -> any CRMSourceConnector & CRMMetadataSource {
        switch kind {
        case .dynamics:
            DynamicsConnector(
                configuration: dynamicsConfiguration(retry: retry), http: http, logger: logger, observer: observer, onRetry: onRetry)
        case .salesforce:
            SalesforceConnector(
                configuration: salesforceConfiguration(retry: retry), http: http, logger: logger, observer: observer, onRetry: onRetry)
        }
    }

    /// This connection as a Dynamics configuration: Web API at `<url>/api/data/v<apiVersion>/`.
    public func dynamicsConfiguration(retry: CRMRetryPolicy = .init()) -> DynamicsConfiguration {
        let root = Self.withoutTrailingSlash(url.absoluteString)
        return DynamicsConfiguration(
            organizationURL: root, tokenURL: tokenURL.absoluteString, clientID: clientID,
            clientSecret: clientSecret, scope: scope,
            webAPIURL: root + "/api/data/" + Self.versionSegment(apiVersion) + "/", retry: retry,
            requestTimeout: requestTimeout, budget: budgetSettings)
    }

    /// This connection as a Salesforce configuration: REST API under `/services/data/v<apiVersion>`.
    public func salesforceConfiguration(retry: CRMRetryPolicy = .init()) -> SalesforceConfiguration {
        SalesforceConfiguration(
            instanceURL: Self.withoutTrailingSlash(url.absoluteString), clientID: clientID,
            clientSecret: clientSecret, tokenURL: tokenURL.absoluteString,
            apiVersion: Self.versionSegment(apiVersion), retry: retry, requestTimeout: requestTimeout, budget: budgetSettings)
    }

    /// `connections.crm.budget` as the limiter's settings (the window and the start stay
    /// the limiter's own defaults).
    public var budgetSettings: CRMBudgetSettings {
        CRMBudgetSettings(
            maxConcurrency: budget.maxConcurrency, allocationReserve: budget.allocationReserve, probeInterval: budget.probeInterval)
    }

    /// `9.2` → `v9.2`; `v60.0` stays.
    private static func versionSegment(_ version: String) -> String {
        version.hasPrefix("v") ? version : "v" + version
    }

    private static func withoutTrailingSlash(_ text: String) -> String {
        text.hasSuffix("/") ? String(text.dropLast()) : text
    }
}
