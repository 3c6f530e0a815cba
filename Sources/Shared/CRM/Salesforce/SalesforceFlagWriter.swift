import Foundation
import HTTPBridge
import Logging

/// Sets a boolean field of existing Salesforce records with sObject Collections update
/// (`PATCH /composite/sobjects`, at most 200 records, `allOrNone: false`, each record
/// with `attributes.type` and `id`): an update never creates a record.
public struct SalesforceFlagWriter: CRMFlagWriter {
    public let configuration: SalesforceConfiguration
    public let object: String
    public let field: String
    public let maxBatch: Int
    let call: SalesforceCollectionsCall

    public var system: String { "salesforce" }

    /// - Parameter batchSize: records per Collections call, at most 200 (Salesforce's limit).
    /// - Parameter limiter: the budget to spend; default the process's for this user.
    public init(
        configuration: SalesforceConfiguration, object: String, field: String, http: HTTPClient, logger: Logger,
        batchSize: Int = 200, onRetry: CRMRetryObserver? = nil, limiter: CRMBudgetLimiter? = nil
    ) {
        self.configuration = configuration
        self.object = object
        self.field = field
        self.maxBatch = min(max(1, batchSize), 200)
        self.call = SalesforceCollectionsCall(configuration: configuration, http: http, logger: logger, onRetry: onRetry, limiter: limiter)
    }

    public func update(_ updates: [CRMFlagUpdate]) async throws -> [CRMFlagResult] {
        precondition(updates.count <= maxBatch, "update takes at most maxBatch records")
        let operation = "update \(object).\(field) (collections)"
        return try await CRMBatchWrite.outcomes(count: updates.count, refused: [:], exchange: call.exchange, operation: operation) { indices in
            let records: [[String: Any]] = indices.map { ["attributes": ["type": object], "id": updates[$0].id, field: updates[$0].value] }
            return try await call.send(
                method: "PATCH", path: call.path("composite/sobjects"), records: records, count: indices.count, operation: operation
            ).map { SalesforceCollectionsCall.result($0) }
        }.map { CRMFlagResult($0) }
    }
}
