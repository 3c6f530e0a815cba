import Config
import HTTPBridge
import Logging

extension CRMConnection {
    /// The writer of the boolean `field` of `object` (Dynamics entity set, Salesforce
    /// object) for this connection; `batchSize` is clamped to the CRM's limit. `onRetry`
    /// hears of every retry and hold-back (throttling, 5xx, a refreshed token, the daily
    /// allocation's reserve), so the role can show it in its status. `returning`: the
    /// columns each write answers with, where the CRM can (Dynamics
    /// `return=representation`, `CRMFlagResult.written`).
    public func makeFlagWriter(
        object: String, field: String, http: HTTPClient, logger: Logger, batchSize: Int = 200,
        retry: CRMRetryPolicy = .init(), returning: CRMQuery? = nil, onRetry: CRMRetryObserver? = nil
    ) -> any CRMFlagWriter {
        switch kind {
        case .dynamics:
            DynamicsFlagWriter(
                configuration: dynamicsConfiguration(retry: retry), entitySet: object, field: field, http: http,
                logger: logger, batchSize: batchSize, returning: returning, onRetry: onRetry)
        case .salesforce:
            SalesforceFlagWriter(
                configuration: salesforceConfiguration(retry: retry), object: object, field: field, http: http,
                logger: logger, batchSize: batchSize, onRetry: onRetry)
        }
    }
}
