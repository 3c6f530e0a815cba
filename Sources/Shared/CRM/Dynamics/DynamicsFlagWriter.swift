import Foundation
import HTTPBridge
import Logging

/// Sets a boolean column of existing Dynamics 365 records: `PATCH contacts(<id>)` with
/// `{"donotbulkemail": true}` and `If-Match: *` (update only: without it a PATCH of an
/// unknown id would create the record), or `If-Match: W/"<versionnumber>"` (the record's
/// `@odata.etag`) when the update carries the version it was decided against: a record
/// changed since answers 412 (`0x80060882`), read as `CRMFlagUpdate.changedSinceRead`
/// (optimistic concurrency, docs/opt-in-out.md). Sent in `$batch` requests with
/// `Prefer: odata.continue-on-error` so one refused record does not stop the others.
public struct DynamicsFlagWriter: CRMFlagWriter {
    public let configuration: DynamicsConfiguration
    public let entitySet: String
    public let field: String
    public let maxBatch: Int
    let call: DynamicsBatchCall

    public var system: String { "dynamics" }

    /// - Parameter batchSize: operations per `$batch`, at most 1000 (the Web API's limit).
    /// - Parameter limiter: the budget to spend; default the process's for this user.
    public init(
        configuration: DynamicsConfiguration, entitySet: String, field: String, http: HTTPClient, logger: Logger,
        batchSize: Int = 1000, onRetry: CRMRetryObserver? = nil, limiter: CRMBudgetLimiter? = nil
    ) {
        self.configuration = configuration
        self.entitySet = entitySet
        self.field = field
        self.maxBatch = min(max(1, batchSize), 1000)
        self.call = DynamicsBatchCall(configuration: configuration, http: http, logger: logger, onRetry: onRetry, limiter: limiter)
    }

    public func update(_ updates: [CRMFlagUpdate]) async throws -> [CRMWriteOutcome] {
        precondition(updates.count <= maxBatch, "update takes at most maxBatch records")
        var refused: [Int: CRMWriteOutcome] = [:]
        var operations: [Int: DynamicsBatch.Operation] = [:]
        for (index, update) in updates.enumerated() {
            if UUID(uuidString: update.id) == nil {
                refused[index] = .rejected(code: "invalid-crm-id", message: "\"\(update.id.prefix(60))\" is not a Dynamics record id (a GUID)")
            } else {
                operations[index] = DynamicsBatch.Operation(
                    method: "PATCH", url: configuration.webAPIURL + "\(entitySet)(\(update.id.lowercased()))",
                    body: Array("{\"\(field)\":\(update.value)}".utf8), headers: ["If-Match": update.version.map { "W/\"\($0)\"" } ?? "*"])
            }
        }
        return try await call.write(
            count: updates.count, refused: refused, operations: operations, operation: "update \(entitySet).\(field) ($batch)",
            refine: { status, _ in
                // Only a conditional PATCH can fail its precondition: the row version moved.
                status == 412
                    ? .rejected(code: CRMFlagUpdate.changedSinceRead, message: "the record changed since its version was read (HTTP 412)")
                    : nil
            })
    }
}
