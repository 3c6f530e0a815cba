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
    let exchange: CRMExchange
    let tokens: OAuthTokenProvider

    public init(
        target: CRMExportTarget, configuration: SalesforceConfiguration, http: HTTPClient, logger: Logger, batchSize: Int = 200,
        onRetry: CRMRetryObserver? = nil
    ) {
        self.target = target
        self.configuration = configuration
        self.maxBatch = min(max(1, batchSize), 200)
        var logger = logger
        logger[metadataKey: "crm.system"] = "salesforce"
        self.exchange = CRMExchange(
            system: "salesforce", http: http, retry: configuration.retry, timeout: configuration.requestTimeout, logger: logger,
            onRetry: onRetry)
        self.tokens = OAuthTokenProvider(credentials: configuration.credentials, exchange: exchange)
    }

    public func write(_ records: [CRMExportRecord]) async throws -> [CRMWriteOutcome] {
        precondition(records.count <= maxBatch, "write takes at most maxBatch records")
        var outcomes = [CRMWriteOutcome?](repeating: nil, count: records.count)
        var pending: [Int] = []
        for (index, record) in records.enumerated() {
            if target.operation != .insert, (record.key ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                outcomes[index] = .rejected(code: "missing-key", message: "the key column is null or empty")
            } else {
                pending.append(index)
            }
        }
        let name = "\(target.operation.rawValue) \(target.object) (collections)"
        try await CRMPartRetry.run(
            pending: pending, policy: configuration.retry, system: "salesforce", operation: name,
            logger: exchange.logger, onRetry: exchange.onRetry
        ) { indices in
            try await send(indices.map { records[$0] }, name: name).map { result -> CRMPartRetry.PartResult in
                if result.success { return .done(.written) }
                if SalesforceEmailEventWriter.transientCodes.contains(result.code) { return .retry(after: nil, reason: result.code) }
                if target.operation == .delete, result.code == "ENTITY_IS_DELETED" { return .done(.written) }
                return .done(.rejected(code: result.code, message: result.message))
            }
        } record: { index, outcome in
            outcomes[index] = outcome
        }
        return outcomes.map { $0 ?? .rejected(code: "unanswered", message: "the CRM gave no answer for this record") }
    }

    private func send(_ records: [CRMExportRecord], name: String) async throws -> [SalesforceEmailEventWriter.RecordResult] {
        let root = "/services/data/\(configuration.apiVersion)/composite/sobjects"
        let method: String
        var path = root
        var body: [UInt8]?
        switch target.operation {
        case .delete:
            method = "DELETE"
            let ids = records.compactMap { $0.key?.trimmingCharacters(in: .whitespaces) }.map(HTTPRequest.percentEncoded).joined(separator: ",")
            path = root + "?ids=\(ids)&allOrNone=false"
        case .insert, .update, .upsert:
            method = target.operation == .insert ? "POST" : "PATCH"
            if target.operation == .upsert, let field = target.keyField { path = root + "/\(target.object)/\(field)" }
            let json = records.map(self.record)
            body = Array(try JSONSerialization.data(
                withJSONObject: ["allOrNone": false, "records": json] as [String: Any], options: [.withoutEscapingSlashes]))
        }
        let headers: HTTPHeaders = body == nil ? ["Accept": "application/json"] : ["Accept": "application/json", "Content-Type": "application/json"]
        let results = try await exchange.perform(
            name, tokens: tokens, idempotent: target.operation != .insert,
            build: { token in HTTPRequest(method: method, url: url(path, token: token), headers: headers, body: body) },
            decode: { response throws(CRMJSON.Problem) in try SalesforceEmailEventWriter.results(response.body) })
        guard results.count == records.count else {
            throw CRMError(
                system: "salesforce", code: .malformedResponse, operation: name,
                message: "the answer has \(results.count) results for \(records.count) records", isRetriable: target.operation != .insert)
        }
        return results
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

    private func url(_ path: String, token: OAuthToken?) -> String {
        var root = configuration.instanceURL
        if configuration.useTokenInstanceURL, let instance = token?.instanceURL, !instance.isEmpty {
            root = instance.hasSuffix("/") ? String(instance.dropLast()) : instance
        }
        return root + path
    }
}
