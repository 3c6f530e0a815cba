import CoreValues
import Foundation
import HTTPBridge
import Logging

/// Exports into Salesforce (SPEC §2.2) with sObject Collections (at most 200 records,
/// `allOrNone: false`, each record with `attributes.type`):
/// - insert: `POST /composite/sobjects` (Salesforce has no client-chosen id: an insert
///   re-delivered after a crash between the CRM's answer and the offset commit makes a
///   second record; map an external id and upsert to rule that out);
/// - upsert: `PATCH /composite/sobjects/<Object>/<ExternalId>`;
/// - update: `PATCH /composite/sobjects` by `Id` (a missing record is a reject);
/// - delete: `DELETE /composite/sobjects?ids=…` (`ENTITY_IS_DELETED` counts as deleted).
///
/// A write of more than `bulkAbove` records (default of the connection: 2,000) goes as one
/// Bulk API 2.0 ingest job instead (`SalesforceExportWriter+Bulk.swift`); its unprocessed
/// records are sent again through Collections.
public struct SalesforceExportWriter: CRMExportWriter {
    public let target: CRMExportTarget
    public let configuration: SalesforceConfiguration
    public let maxBatch: Int
    /// Records per Collections call.
    public let callSize: Int
    /// Writes of more records than this go through Bulk API 2.0; nil: never.
    public let bulkAbove: Int?
    let call: SalesforceCollectionsCall
    let bulk: SalesforceBulkIngest

    /// - Parameter batchSize: records per Collections call, at most 200 (Salesforce's limit).
    /// - Parameter parallelCalls: Collections calls one `write` may have going at once (the
    ///   budget limiter decides how many really are in flight).
    /// - Parameter bulkAbove: more records than this in one `write` go as one Bulk API 2.0
    ///   job; nil keeps to Collections.
    /// - Parameter bulkMaxRecords: most records one `write` takes when Bulk API 2.0 is on.
    public init(
        target: CRMExportTarget, configuration: SalesforceConfiguration, http: HTTPClient, logger: Logger, batchSize: Int = 200,
        parallelCalls: Int = 1, bulkAbove: Int? = nil, bulkMaxRecords: Int = 10_000, bulkPollInterval: Duration = .seconds(2),
        onRetry: CRMRetryObserver? = nil, limiter: CRMBudgetLimiter? = nil
    ) {
        self.target = target
        self.configuration = configuration
        self.callSize = min(max(1, batchSize), 200)
        self.bulkAbove = bulkAbove.map { max(1, $0) }
        let collections = callSize * max(1, parallelCalls)
        self.maxBatch = bulkAbove == nil ? collections : max(collections, bulkMaxRecords)
        self.call = SalesforceCollectionsCall(configuration: configuration, http: http, logger: logger, onRetry: onRetry, limiter: limiter)
        self.bulk = SalesforceBulkIngest(call: call, pollInterval: bulkPollInterval, maxPolls: 900)
    }

    public func write(_ records: [CRMExportRecord]) async throws -> [CRMWriteOutcome] {
        precondition(records.count <= maxBatch, "write takes at most maxBatch records")
        var outcomes = [CRMWriteOutcome?](repeating: nil, count: records.count)
        var pending: [Int] = []
        for (index, record) in records.enumerated() {
            if target.operation != .insert && (record.key ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                outcomes[index] = .rejected(code: "missing-key", message: "the key column is null or empty")
            } else {
                pending.append(index)
            }
        }
        if let bulkAbove, pending.count > bulkAbove {
            let results = try await bulkWrite(pending.map { records[$0] })
            var again: [Int] = []
            for (index, result) in zip(pending, results) {
                switch result {
                case .written: outcomes[index] = .written
                case .rejected(let code, let message): outcomes[index] = Self.refined(code, message, operation: target.operation)
                case .unprocessed: again.append(index)  // sent again through Collections below
                }
            }
            pending = again
        }
        let name = "\(target.operation.rawValue) \(target.object) (collections)"
        let isDelete = target.operation == .delete
        let written = try await CRMBatchWrite.inCalls(pending, callSize: callSize) { [call, self] chunk in
            try await CRMBatchWrite.outcomes(count: chunk.count, refused: [:], exchange: call.exchange, operation: name) { indices in
                try await send(indices.map { records[chunk[$0]] }, name: name).map { result in
                    SalesforceCollectionsCall.result(result) { code in isDelete && code == "ENTITY_IS_DELETED" ? .written : nil }
                }
            }
        }
        for (index, outcome) in written { outcomes[index] = outcome }
        return outcomes.map { $0 ?? .rejected(code: "unanswered", message: "the CRM gave no answer for this record") }
    }

    func send(_ records: [CRMExportRecord], name: String) async throws -> [SalesforceCollectionsCall.RecordResult] {
        let root = call.path("composite/sobjects")
        switch target.operation {
        case .delete:
            let ids = records.compactMap { $0.key?.trimmingCharacters(in: .whitespaces) }.map(HTTPRequest.percentEncoded).joined(separator: ",")
            return try await call.send(method: "DELETE", path: root + "?ids=\(ids)&allOrNone=false", records: nil, count: records.count, operation: name)
        case .insert, .update, .upsert:
            var path = root
            if target.operation == .upsert, let field = target.keyField { path = root + "/\(target.object)/\(field)" }
            return try await call.send(
                method: target.operation == .insert ? "POST" : "PATCH", path: path, records: records.map(self.record), count: records.count,
                operation: name, idempotent: target.operation != .insert)
        }
    }

    /// One record of the Collections body: its type, the key (`Id` for an update, the
    /// external id for an upsert), the fields.
    func record(_ record: CRMExportRecord) -> [String: Any] {
        var object: [String: Any] = Self.lookupsAsFields(record).mapValues(\.jsonObject)
        object["attributes"] = ["type": target.object]
        switch target.operation {
        case .update: object["Id"] = record.key
        case .upsert: if let field = target.keyField { object[field] = record.key }
        case .insert, .delete: break
        }
        return object
    }
}
