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
    let exchange: CRMExchange
    let tokens: OAuthTokenProvider

    public init(
        target: CRMExportTarget, configuration: DynamicsConfiguration, http: HTTPClient, logger: Logger, batchSize: Int = 1000,
        onRetry: CRMRetryObserver? = nil
    ) {
        self.target = target
        self.configuration = configuration
        self.maxBatch = min(max(1, batchSize), 1000)
        var logger = logger
        logger[metadataKey: "crm.system"] = "dynamics"
        self.exchange = CRMExchange(
            system: "dynamics", http: http, retry: configuration.retry, timeout: configuration.requestTimeout, logger: logger,
            onRetry: onRetry)
        self.tokens = OAuthTokenProvider(credentials: configuration.credentials, exchange: exchange)
    }

    public func write(_ records: [CRMExportRecord]) async throws -> [CRMWriteOutcome] {
        precondition(records.count <= maxBatch, "write takes at most maxBatch records")
        var outcomes = [CRMWriteOutcome?](repeating: nil, count: records.count)
        var operations: [Int: DynamicsBatch.Operation] = [:]
        for (index, record) in records.enumerated() {
            switch operation(record) {
            case .operation(let built): operations[index] = built
            case .refused(let refused): outcomes[index] = refused
            }
        }
        let name = "\(target.operation.rawValue) \(target.object) ($batch)"
        try await CRMPartRetry.run(
            pending: operations.keys.sorted(), policy: configuration.retry, system: "dynamics", operation: name,
            logger: exchange.logger, onRetry: exchange.onRetry
        ) { indices in
            let parts = try await send(indices.compactMap { operations[$0] }, name: name)
            return parts.map(result)
        } record: { index, outcome in
            outcomes[index] = outcome
        }
        return outcomes.map { $0 ?? .rejected(code: "unanswered", message: "the CRM gave no answer for this record") }
    }

    /// A part's answer as an outcome; what the operation makes of 404 and 412.
    private func result(_ part: DynamicsBatch.PartResponse) -> CRMPartRetry.PartResult {
        if (200..<300).contains(part.status) { return .done(.written) }
        if CRMError.isRetriableStatus(part.status) || part.status == 401 {
            return .retry(after: configuration.retry.retryAfter(part.headers["retry-after"]), reason: "HTTP \(part.status)")
        }
        let error = CRMErrorBody.parse(part.body)
        let code = error?.code.flatMap { $0.isEmpty ? nil : $0 } ?? "http-\(part.status)"
        // A re-delivered insert finds the record it made; a re-delivered delete finds none.
        if target.operation == .insert, part.status == 412, code == "0x80040237" { return .done(.written) }
        if target.operation == .delete, part.status == 404 { return .done(.written) }
        let message = error.map { CRMExchange.oneLine($0.message) } ?? "HTTP \(part.status)"
        return .done(.rejected(code: code, message: message))
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

    private func send(_ operations: [DynamicsBatch.Operation], name: String) async throws -> [DynamicsBatch.PartResponse] {
        let boundary = "batch_" + UUID().uuidString.lowercased()
        let body = DynamicsBatch.body(operations, boundary: boundary)
        let headers: HTTPHeaders = [
            "Accept": "application/json", "OData-MaxVersion": "4.0", "OData-Version": "4.0",
            "Content-Type": "multipart/mixed;boundary=\(boundary)", "Prefer": "odata.continue-on-error",
        ]
        let url = configuration.webAPIURL + "$batch"
        let parts = try await exchange.perform(
            name, tokens: tokens, idempotent: true,
            build: { _ in HTTPRequest(method: "POST", url: url, headers: headers, body: body) },
            decode: { response throws(CRMJSON.Problem) in
                try DynamicsBatch.parse(response.body, contentType: response.headers["Content-Type"])
            })
        guard parts.count == operations.count else {
            throw CRMError(
                system: "dynamics", code: .malformedResponse, operation: name,
                message: "the $batch answer has \(parts.count) parts for \(operations.count) requests", isRetriable: true)
        }
        return parts
    }
}
