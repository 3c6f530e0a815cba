import Config
import HTTPBridge
import Logging

extension CRMConnection {
    /// The writer of the boolean `field` of `object` (Dynamics entity set, Salesforce
    /// object) for this connection; `batchSize` is clamped to the CRM's limit.
    public func makeFlagWriter(
        object: String, field: String, http: HTTPClient, logger: Logger, batchSize: Int = 200,
        retry: CRMRetryPolicy = .init()
    ) -> any CRMFlagWriter {
        switch kind {
        case .dynamics:
            DynamicsFlagWriter(
                configuration: dynamicsConfiguration(retry: retry), entitySet: object, field: field, http: http,
                logger: logger, batchSize: batchSize)
        case .salesforce:
            SalesforceFlagWriter(
                configuration: salesforceConfiguration(retry: retry), object: object, field: field, http: http,
                logger: logger, batchSize: batchSize)
        }
    }
}
