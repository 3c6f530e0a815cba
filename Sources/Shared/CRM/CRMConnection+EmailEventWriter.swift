import Config
import HTTPBridge
import Logging

extension CRMConnection {
    /// The email-event writer of this connection; `batchSize` is clamped to the CRM's
    /// limit (Dynamics `$batch` 1000 operations, Salesforce Collections 200 records);
    /// `onRetry` hears of every retry (throttling, 5xx, a refreshed token).
    public func makeEmailEventWriter(
        http: HTTPClient, logger: Logger, batchSize: Int, retry: CRMRetryPolicy = .init(),
        onRetry: CRMRetryObserver? = nil
    ) -> any CRMEmailEventWriter {
        switch kind {
        case .dynamics:
            DynamicsEmailEventWriter(configuration: dynamicsConfiguration(retry: retry), http: http, logger: logger, batchSize: batchSize, onRetry: onRetry)
        case .salesforce:
            SalesforceEmailEventWriter(configuration: salesforceConfiguration(retry: retry), http: http, logger: logger, batchSize: batchSize, onRetry: onRetry)
        }
    }
}
