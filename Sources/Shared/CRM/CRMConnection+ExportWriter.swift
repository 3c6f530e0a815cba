import Config
import HTTPBridge
import Logging

extension CRMConnection {
    /// The export writer of this connection for `target`; `batchSize` is clamped to the
    /// CRM's limit. `onRetry` hears of every retry. Salesforce: one `write` takes
    /// `parallelCalls` Collections calls' worth of records, and more than the connection's
    /// `bulkAbove` go as one Bulk API 2.0 job (as email events do).
    public func makeExportWriter(
        _ target: CRMExportTarget, http: HTTPClient, logger: Logger, batchSize: Int, retry: CRMRetryPolicy = .init(),
        parallelCalls: Int = 4, onRetry: CRMRetryObserver? = nil
    ) -> any CRMExportWriter {
        switch kind {
        case .dynamics:
            DynamicsExportWriter(
                target: target, configuration: dynamicsConfiguration(retry: retry), http: http, logger: logger, batchSize: batchSize,
                onRetry: onRetry)
        case .salesforce:
            SalesforceExportWriter(
                target: target, configuration: salesforceConfiguration(retry: retry), http: http, logger: logger, batchSize: batchSize,
                parallelCalls: parallelCalls, bulkAbove: bulkAbove ?? CRMConnection.defaultBulkAbove, onRetry: onRetry)
        }
    }
}
