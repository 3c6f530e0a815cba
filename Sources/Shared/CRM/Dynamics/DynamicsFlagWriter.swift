import Foundation
import HTTPBridge
import Logging

/// Sets a boolean column of existing Dynamics 365 records: `PATCH contacts(<id>)` with
/// `{"donotbulkemail": true}` and `If-Match: *` (update only: without it a PATCH of an
/// unknown id would create the record), sent in `$batch` requests with
/// `Prefer: odata.continue-on-error` so one refused record does not stop the others.
public struct DynamicsFlagWriter: CRMFlagWriter {
    public let configuration: DynamicsConfiguration
    public let entitySet: String
    public let field: String
    public let maxBatch: Int
    let exchange: CRMExchange
    let tokens: OAuthTokenProvider

    public var system: String { "dynamics" }

    /// - Parameter batchSize: operations per `$batch`, at most 1000 (the Web API's limit).
    public init(
        configuration: DynamicsConfiguration, entitySet: String, field: String, http: HTTPClient, logger: Logger,
        batchSize: Int = 1000
    ) {
        self.configuration = configuration
        self.entitySet = entitySet
        self.field = field
        self.maxBatch = min(max(1, batchSize), 1000)
        var logger = logger
        logger[metadataKey: "crm.system"] = "dynamics"
        self.exchange = CRMExchange(
            system: "dynamics", http: http, retry: configuration.retry, timeout: configuration.requestTimeout, logger: logger)
        self.tokens = OAuthTokenProvider(credentials: configuration.credentials, exchange: exchange)
    }

    public func update(_ updates: [CRMFlagUpdate]) async throws -> [CRMWriteOutcome] {
        precondition(updates.count <= maxBatch, "update takes at most maxBatch records")
        var outcomes = [CRMWriteOutcome?](repeating: nil, count: updates.count)
        var pending: [Int] = []
        for (index, update) in updates.enumerated() {
            if UUID(uuidString: update.id) == nil {
                outcomes[index] = .rejected(code: "invalid-crm-id", message: "\"\(update.id.prefix(60))\" is not a Dynamics record id (a GUID)")
            } else {
                pending.append(index)
            }
        }
        let operation = "update \(entitySet).\(field) ($batch)"
        try await CRMPartRetry.run(
            pending: pending, policy: configuration.retry, system: system, operation: operation, logger: exchange.logger
        ) { indices in
            let parts = try await send(indices.map { updates[$0] }, operation: operation)
            return parts.map { part -> CRMPartRetry.PartResult in
                if (200..<300).contains(part.status) { return .done(.written) }
                if CRMError.isRetriableStatus(part.status) || part.status == 401 {
                    return .retry(after: configuration.retry.retryAfter(part.headers["retry-after"]), reason: "HTTP \(part.status)")
                }
                let error = CRMErrorBody.parse(part.body)
                let code = error?.code.flatMap { $0.isEmpty ? nil : $0 } ?? "http-\(part.status)"
                let message = error.map { CRMExchange.oneLine($0.message) } ?? "HTTP \(part.status)"
                return .done(.rejected(code: code, message: message))
            }
        } record: { index, outcome in
            outcomes[index] = outcome
        }
        return outcomes.map { $0 ?? .rejected(code: "unanswered", message: "the CRM gave no answer for this record") }
    }

    private func send(_ updates: [CRMFlagUpdate], operation: String) async throws -> [DynamicsBatch.PartResponse] {
        let operations = updates.map { update in
            DynamicsBatch.Operation(
                method: "PATCH", url: configuration.webAPIURL + "\(entitySet)(\(update.id.lowercased()))",
                body: Array("{\"\(field)\":\(update.value)}".utf8), headers: ["If-Match": "*"])
        }
        let boundary = "batch_" + UUID().uuidString.lowercased()
        let body = DynamicsBatch.body(operations, boundary: boundary)
        let headers: HTTPHeaders = [
            "Accept": "application/json",
            "OData-MaxVersion": "4.0",
            "OData-Version": "4.0",
            "Content-Type": "multipart/mixed;boundary=\(boundary)",
            "Prefer": "odata.continue-on-error",
        ]
        let url = configuration.webAPIURL + "$batch"
        let parts = try await exchange.perform(
            operation, tokens: tokens, idempotent: true,
            build: { _ in HTTPRequest(method: "POST", url: url, headers: headers, body: body) },
            decode: { response throws(CRMJSON.Problem) in
                try DynamicsBatch.parse(response.body, contentType: response.headers["Content-Type"])
            })
        guard parts.count == updates.count else {
            throw CRMError(
                system: system, code: .malformedResponse, operation: operation,
                message: "the $batch answer has \(parts.count) parts for \(updates.count) requests", isRetriable: true)
        }
        return parts
    }
}
