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
public struct SalesforceExportWriter: CRMExportWriter {
    public let target: CRMExportTarget
    public let configuration: SalesforceConfiguration
    public let maxBatch: Int
    let call: SalesforceCollectionsCall

    public init(
        target: CRMExportTarget, configuration: SalesforceConfiguration, http: HTTPClient, logger: Logger, batchSize: Int = 200,
        onRetry: CRMRetryObserver? = nil, limiter: CRMBudgetLimiter? = nil
    ) {
        self.target = target
        self.configuration = configuration
        self.maxBatch = min(max(1, batchSize), 200)
        self.call = SalesforceCollectionsCall(configuration: configuration, http: http, logger: logger, onRetry: onRetry, limiter: limiter)
    }

    public func write(_ records: [CRMExportRecord]) async throws -> [CRMWriteOutcome] {
        precondition(records.count <= maxBatch, "write takes at most maxBatch records")
        var refused: [Int: CRMWriteOutcome] = [:]
        for (index, record) in records.enumerated()
        where target.operation != .insert && (record.key ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            refused[index] = .rejected(code: "missing-key", message: "the key column is null or empty")
        }
        let name = "\(target.operation.rawValue) \(target.object) (collections)"
        let isDelete = target.operation == .delete
        return try await CRMBatchWrite.outcomes(count: records.count, refused: refused, exchange: call.exchange, operation: name) { indices in
            try await send(indices.map { records[$0] }, name: name).map { result in
                SalesforceCollectionsCall.result(result) { code in isDelete && code == "ENTITY_IS_DELETED" ? .written : nil }
            }
        }
    }

    private func send(_ records: [CRMExportRecord], name: String) async throws -> [SalesforceCollectionsCall.RecordResult] {
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
    private func record(_ record: CRMExportRecord) -> [String: Any] {
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
