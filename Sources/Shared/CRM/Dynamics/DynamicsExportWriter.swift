import CoreValues
import Foundation
import HTTPBridge
import Logging

/// Exports into Dynamics 365 (SPEC §2.2), every operation a part of a `$batch` with
/// `Prefer: odata.continue-on-error`:
/// - insert: `PATCH <set>(<id>)` with `If-None-Match: *`, the id derived from the export and
///   the Campaign row, so a re-delivered row finds its record (412 `0x80040237`) and makes
///   no second one;
/// - upsert: `PATCH <set>(<key>='<value>')` by alternate key, or `PATCH <set>(<id>)`;
/// - update: `PATCH <set>(<id>)` (or by alternate key) with `If-Match: *` (a missing
///   record is a reject);
/// - delete: `DELETE <set>(<id>)` (a record already gone counts as deleted).
public struct DynamicsExportWriter: CRMExportWriter {
    public let target: CRMExportTarget
    public let configuration: DynamicsConfiguration
    public let maxBatch: Int
    let call: DynamicsBatchCall

    public init(
        target: CRMExportTarget, configuration: DynamicsConfiguration, http: HTTPClient, logger: Logger, batchSize: Int = 1000,
        onRetry: CRMRetryObserver? = nil, limiter: CRMBudgetLimiter? = nil
    ) {
        self.target = target
        self.configuration = configuration
        self.maxBatch = min(max(1, batchSize), 1000)
        self.call = DynamicsBatchCall(configuration: configuration, http: http, logger: logger, onRetry: onRetry, limiter: limiter)
    }

    public func write(_ records: [CRMExportRecord]) async throws -> [CRMWriteOutcome] {
        precondition(records.count <= maxBatch, "write takes at most maxBatch records")
        var refused: [Int: CRMWriteOutcome] = [:]
        var operations: [Int: DynamicsBatch.Operation] = [:]
        for (index, record) in records.enumerated() {
            switch operation(record) {
            case .operation(let built): operations[index] = built
            case .refused(let outcome): refused[index] = outcome
            }
        }
        let name = "\(target.operation.rawValue) \(target.object) ($batch)"
        let operationKind = target.operation
        return try await call.write(count: records.count, refused: refused, operations: operations, operation: name) { status, code in
            // A re-delivered insert finds the record it made; a re-delivered delete finds none.
            if operationKind == .insert, status == 412, code == "0x80040237" { return .written }
            if operationKind == .delete, status == 404 { return .written }
            return nil
        }
    }

    /// The `$batch` operation for a record, or the reject when it cannot be one.
    private enum Built {
        case operation(DynamicsBatch.Operation)
        case refused(CRMWriteOutcome)
    }

    private func operation(_ unbound: CRMExportRecord) -> Built {
        // Lookups become `<property>@odata.bind` fields (DynamicsExportWriter+Lookups.swift).
        let record: CRMExportRecord
        switch Self.bindingLookups(unbound) {
        case .success(let bound): record = bound
        case .failure(let refused): return .refused(refused.outcome)
        }
        let set = configuration.webAPIURL + target.object
        let body: [UInt8]
        do {
            body = target.operation == .delete ? [] : try self.body(record)
        } catch {
            return .refused(.rejected(code: "bad-value", message: "the row's values cannot be written as JSON"))
        }
        if target.operation == .insert {
            let id = StableID.uuid(target.export, record.rowID)
            return .operation(.init(method: "PATCH", url: "\(set)(\(id))", body: body, headers: ["If-None-Match": "*"]))
        }
        guard let key = record.key?.trimmingCharacters(in: .whitespaces), !key.isEmpty else {
            return .refused(.rejected(code: "missing-key", message: "the key column is null or empty"))
        }
        let path: String
        if target.alternateKey, let field = target.keyField {
            // Quotes doubled as OData string literals want, then percent-encoded inside them.
            path = "\(set)(\(field)='\(HTTPRequest.percentEncoded(key.replacingOccurrences(of: "'", with: "''")))')"
        } else {
            guard let id = ODataLiteral.guid(key) else {
                return .refused(.rejected(code: "invalid-crm-id", message: "the key \"\(key.prefix(60))\" is not a Dynamics record id (a GUID)"))
            }
            path = "\(set)(\(id))"
        }
        switch target.operation {
        case .insert, .upsert: return .operation(.init(method: "PATCH", url: path, body: body))
        case .update: return .operation(.init(method: "PATCH", url: path, body: body, headers: ["If-Match": "*"]))
        case .delete: return .operation(.init(method: "DELETE", url: path, body: []))
        }
    }

    private func body(_ record: CRMExportRecord) throws -> [UInt8] {
        let object = record.fields.mapValues(\.jsonObject)
        return Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
    }
}
