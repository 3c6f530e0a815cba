import Config
import HTTPBridge
import Logging

extension CRMConnection {
    /// The email-event writer of this connection; `batchSize` is clamped to the CRM's
    /// limit (Dynamics `$batch` 1000 operations, Salesforce Collections 200 records);
    /// `onRetry` hears of every retry (throttling, 5xx, a refreshed token). One `upsert`
    /// takes `parallelCalls` calls' worth of events and sends them at once (the budget
    /// limiter decides how many are in flight); Salesforce writes of more than the
    /// connection's `bulkAbove` events go through Bulk API 2.0.
    public func makeEmailEventWriter(
        http: HTTPClient, logger: Logger, batchSize: Int, retry: CRMRetryPolicy = .init(),
        parallelCalls: Int = 4, onRetry: CRMRetryObserver? = nil
    ) -> any CRMEmailEventWriter {
        switch kind {
        case .dynamics:
            DynamicsEmailEventWriter(
                configuration: dynamicsConfiguration(retry: retry), http: http, logger: logger, batchSize: batchSize,
                parallelCalls: parallelCalls, onRetry: onRetry)
        case .salesforce:
            SalesforceEmailEventWriter(
                configuration: salesforceConfiguration(retry: retry), http: http, logger: logger, batchSize: batchSize,
                parallelCalls: parallelCalls, bulkAbove: bulkAbove ?? CRMConnection.defaultBulkAbove, onRetry: onRetry)
        }
    }
}
