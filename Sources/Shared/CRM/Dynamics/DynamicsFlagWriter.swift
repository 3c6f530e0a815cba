import CoreValues
import Foundation
import HTTPBridge
import Logging

/// Sets a boolean column of existing Dynamics 365 records: `PATCH contacts(<id>)` with
/// `{"donotbulkemail": true}` and `If-Match: *` (update only: without it a PATCH of an
/// unknown id would create the record), or `If-Match: W/"<versionnumber>"` (the record's
/// `@odata.etag`) when the update carries the version it was decided against: a record
/// changed since answers 412 (`0x80060882`), read as `CRMFlagUpdate.changedSinceRead`
/// (optimistic concurrency, docs/opt-in-out.md); on a call sent again after a send
/// whose answer was lost, as `changedSinceReadAfterResend`. Sent in `$batch` requests with
/// `Prefer: odata.continue-on-error` so one refused record does not stop the others.
///
/// With `returning`, each PATCH also asks for the record as the write left it (`Prefer:
/// return=representation`, `$select` of the query's fields and last-modified field), so
/// the caller knows the time and row version of its own write without reading again.
public struct DynamicsFlagWriter: CRMFlagWriter {
    public let configuration: DynamicsConfiguration
    public let entitySet: String
    public let field: String
    public let maxBatch: Int
    /// The columns each write answers with (nil: the write answers 204, no record).
    public let returning: CRMQuery?
    let call: DynamicsBatchCall

    public var system: String { "dynamics" }

    /// - Parameter batchSize: operations per `$batch`, at most 1000 (the Web API's limit).
    /// - Parameter limiter: the budget to spend; default the process's for this user.
    public init(
        configuration: DynamicsConfiguration, entitySet: String, field: String, http: HTTPClient, logger: Logger,
        batchSize: Int = 1000, returning: CRMQuery? = nil, onRetry: CRMRetryObserver? = nil, limiter: CRMBudgetLimiter? = nil
    ) {
        self.configuration = configuration
        self.entitySet = entitySet
        self.field = field
        self.maxBatch = min(max(1, batchSize), 1000)
        self.returning = returning
        self.call = DynamicsBatchCall(configuration: configuration, http: http, logger: logger, onRetry: onRetry, limiter: limiter)
    }

    public func update(_ updates: [CRMFlagUpdate]) async throws -> [CRMFlagResult] {
        precondition(updates.count <= maxBatch, "update takes at most maxBatch records")
        var refused: [Int: CRMWriteOutcome] = [:]
        var operations: [Int: DynamicsBatch.Operation] = [:]
        var select = ""
        var preferences: [String: String] = [:]
        if let returning {
            let columns = ([field] + returning.fields + [returning.modifiedField ?? "modifiedon"]).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            select = "?$select=" + columns.joined(separator: ",")
            preferences["Prefer"] = "return=representation"
        }
        for (index, update) in updates.enumerated() {
            if UUID(uuidString: update.id) == nil {
                refused[index] = .rejected(code: "invalid-crm-id", message: "\"\(update.id.prefix(60))\" is not a Dynamics record id (a GUID)")
            } else {
                operations[index] = DynamicsBatch.Operation(
                    method: "PATCH", url: configuration.webAPIURL + "\(entitySet)(\(update.id.lowercased()))" + select,
                    body: Array("{\"\(field)\":\(update.value)}".utf8),
                    headers: preferences.merging(["If-Match": update.version.map { "W/\"\($0)\"" } ?? "*"]) { $1 })
            }
        }
        let operation = "update \(entitySet).\(field) ($batch)"
        var written: [Int: CRMRecord] = [:]
        let outcomes = try await CRMBatchWrite.outcomes(count: updates.count, refused: refused, exchange: call.exchange, operation: operation) { indices in
            let (parts, resent) = try await call.sendCounting(indices.compactMap { operations[$0] }, operation: operation)
            return zip(indices, parts).map { index, part in
                if (200..<300).contains(part.status), let record = representation(part, id: updates[index].id) {
                    written[index] = record
                }
                return call.result(part, refine: { status, _ in
                    // Only a conditional PATCH can fail its precondition: the row version
                    // moved, by someone else or, when the call went out again after a send
                    // without an answer, maybe by this write itself (applied by that send).
                    guard status == 412 else { return nil }
                    return resent
                        ? .rejected(code: CRMFlagUpdate.changedSinceReadAfterResend, message: "the record changed since its version was read (HTTP 412 to a call sent again after a lost answer)")
                        : .rejected(code: CRMFlagUpdate.changedSinceRead, message: "the record changed since its version was read (HTTP 412)")
                })
            }
        }
        return outcomes.enumerated().map { index, outcome in
            CRMFlagResult(outcome, written: outcome == .written ? written[index] : nil)
        }
    }

    /// The record a `return=representation` PATCH answered with; nil without one (a 204)
    /// or when it cannot be read (the caller then reads the record itself).
    private func representation(_ part: DynamicsBatch.PartResponse, id: String) -> CRMRecord? {
        guard let returning, !part.body.isEmpty, var row = try? CRMJSON.object(part.body) else { return nil }
        row[returning.idField ?? "id"] = row[returning.idField ?? "id"] ?? id
        return try? DynamicsPageParser.record(
            row, index: 0, idField: returning.idField ?? "id", modifiedField: returning.modifiedField ?? "modifiedon", keepFormattedValues: false)
    }
}
