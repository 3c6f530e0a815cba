import Foundation
import HTTPBridge
import Logging

/// Sets a boolean field of existing Salesforce records with sObject Collections update
/// (`PATCH /composite/sobjects`, at most 200 records, `allOrNone: false`, each record
/// with `attributes.type` and `id`): an update never creates a record.
public struct SalesforceFlagWriter: CRMFlagWriter {
    /// Per-record codes that say "try again", not "this record is wrong".
    static let transientCodes: Set<String> = ["UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE", "REQUEST_LIMIT_EXCEEDED"]

    public let configuration: SalesforceConfiguration
    public let object: String
    public let field: String
    public let maxBatch: Int
    let exchange: CRMExchange
    let tokens: OAuthTokenProvider

    public var system: String { "salesforce" }

    /// - Parameter batchSize: records per Collections call, at most 200 (Salesforce's limit).
    public init(
        configuration: SalesforceConfiguration, object: String, field: String, http: HTTPClient, logger: Logger,
        batchSize: Int = 200
    ) {
        self.configuration = configuration
        self.object = object
        self.field = field
        self.maxBatch = min(max(1, batchSize), 200)
        var logger = logger
        logger[metadataKey: "crm.system"] = "salesforce"
        self.exchange = CRMExchange(
            system: "salesforce", http: http, retry: configuration.retry, timeout: configuration.requestTimeout, logger: logger)
        self.tokens = OAuthTokenProvider(credentials: configuration.credentials, exchange: exchange)
    }

    public func update(_ updates: [CRMFlagUpdate]) async throws -> [CRMWriteOutcome] {
        precondition(updates.count <= maxBatch, "update takes at most maxBatch records")
        var outcomes = [CRMWriteOutcome?](repeating: nil, count: updates.count)
        let operation = "update \(object).\(field) (collections)"
        try await CRMPartRetry.run(
            pending: Array(updates.indices), policy: configuration.retry, system: system, operation: operation,
            logger: exchange.logger
        ) { indices in
            try await send(indices.map { updates[$0] }, operation: operation).map { result -> CRMPartRetry.PartResult in
                if result.success { return .done(.written) }
                if Self.transientCodes.contains(result.code) { return .retry(after: nil, reason: result.code) }
                return .done(.rejected(code: result.code, message: result.message))
            }
        } record: { index, outcome in
            outcomes[index] = outcome
        }
        return outcomes.map { $0 ?? .rejected(code: "unanswered", message: "the CRM gave no answer for this record") }
    }

    private func send(_ updates: [CRMFlagUpdate], operation: String) async throws -> [SalesforceEmailEventWriter.RecordResult] {
        let records: [[String: Any]] = updates.map { ["attributes": ["type": object], "id": $0.id, field: $0.value] }
        let body = Array(try JSONSerialization.data(
            withJSONObject: ["allOrNone": false, "records": records] as [String: Any], options: [.withoutEscapingSlashes]))
        let path = "/services/data/\(configuration.apiVersion)/composite/sobjects"
        let headers: HTTPHeaders = ["Accept": "application/json", "Content-Type": "application/json"]
        let results = try await exchange.perform(
            operation, tokens: tokens, idempotent: true,
            build: { token in HTTPRequest(method: "PATCH", url: url(path, token: token), headers: headers, body: body) },
            decode: { response throws(CRMJSON.Problem) in try SalesforceEmailEventWriter.results(response.body) })
        guard results.count == updates.count else {
            throw CRMError(
                system: system, code: .malformedResponse, operation: operation,
                message: "the answer has \(results.count) results for \(updates.count) records", isRetriable: true)
        }
        return results
    }

    /// `path` on the instance root (the token's `instance_url` when configured so).
    private func url(_ path: String, token: OAuthToken?) -> String {
        var root = configuration.instanceURL
        if configuration.useTokenInstanceURL, let instance = token?.instanceURL, !instance.isEmpty {
            root = instance.hasSuffix("/") ? String(instance.dropLast()) : instance
        }
        return root + path
    }
}
