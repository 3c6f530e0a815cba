import HTTPBridge
import Logging

/// One CRM user's API as a connector or a write side reaches it: who the user is, how
/// long a call may take and how it is retried, and the budget the process spends for
/// that user. `DynamicsConfiguration` and `SalesforceConfiguration` are endpoints.
protocol CRMEndpoint: Sendable {
    /// `dynamics` or `salesforce`, as errors, logs and metrics name the CRM.
    var system: String { get }
    var credentials: CRMCredentials { get }
    var retry: CRMRetryPolicy { get }
    /// Whole-request timeout of each call.
    var requestTimeout: Duration { get }
    var budget: CRMBudgetSettings { get }
    /// The key of this user's limiter in the process (`CRMBudgetLimiter.shared`).
    var limiterKey: String { get }
}

extension CRMEndpoint {
    /// The exchange and token provider of one reader or write side of this endpoint.
    /// Reads and writes of a process spend one budget per CRM user (issue 14 item 5), so
    /// the limiter is the process's for `limiterKey` unless one is given.
    func exchange(
        http: HTTPClient, logger: Logger, onRetry: CRMRetryObserver?, observer: (any CRMCallObserver)? = nil,
        limiter: CRMBudgetLimiter? = nil
    ) -> (exchange: CRMExchange, tokens: OAuthTokenProvider) {
        var logger = logger
        logger[metadataKey: "crm.system"] = "\(system)"
        var exchange = CRMExchange(
            system: system, http: http, retry: retry, timeout: requestTimeout, logger: logger, onRetry: onRetry, observer: observer)
        exchange.limiter = limiter ?? CRMBudgetLimiter.shared(for: limiterKey, settings: budget)
        return (exchange, OAuthTokenProvider(credentials: credentials, exchange: exchange))
    }
}
