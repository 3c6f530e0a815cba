import Foundation
import HTTPBridge
import Logging

/// What the Dynamics write sides share: one exchange with the process's budget, the
/// `$batch` call with `Prefer: odata.continue-on-error` (one refused operation does not
/// stop the others) and the reading of a part's answer.
struct DynamicsBatchCall: Sendable {
    let configuration: DynamicsConfiguration
    let exchange: CRMExchange
    let tokens: OAuthTokenProvider

    init(configuration: DynamicsConfiguration, http: HTTPClient, logger: Logger, onRetry: CRMRetryObserver?, limiter: CRMBudgetLimiter?) {
        self.configuration = configuration
        (exchange, tokens) = configuration.exchange(http: http, logger: logger, onRetry: onRetry, limiter: limiter)
    }

    /// One `$batch`; one inner answer per operation, in order. It counts as one request
    /// per operation against the service-protection budget.
    func send(_ operations: [DynamicsBatch.Operation], operation: String) async throws -> [DynamicsBatch.PartResponse] {
        try await sendCounting(operations, operation: operation).parts
    }

    /// `send`, also answering whether the request went out again after a send whose
    /// outcome is unknown (a cut answer, a timeout, a 5xx; not a 429 or a refreshed
    /// token): a conditional write may then have been applied by that earlier send.
    func sendCounting(_ operations: [DynamicsBatch.Operation], operation: String) async throws -> (parts: [DynamicsBatch.PartResponse], resentAfterUnknown: Bool) {
        var unknown = false
        let boundary = "batch_" + UUID().uuidString.lowercased()
        let body = DynamicsBatch.body(operations, boundary: boundary)
        let headers: HTTPHeaders = [
            "Accept": "application/json", "OData-MaxVersion": "4.0", "OData-Version": "4.0",
            "Content-Type": "multipart/mixed;boundary=\(boundary)", "Prefer": "odata.continue-on-error",
        ]
        let url = configuration.webAPIURL + "$batch"
        let parts = try await exchange.perform(
            operation, tokens: tokens, idempotent: true, weight: operations.count,
            build: { _ in HTTPRequest(method: "POST", url: url, headers: headers, body: body) },
            decode: { response throws(CRMJSON.Problem) in
                try DynamicsBatch.parse(response.body, contentType: response.headers["Content-Type"])
            },
            outcomeUnknown: { unknown = true })
        guard parts.count == operations.count else {
            throw CRMError(
                system: "dynamics", code: .malformedResponse, operation: operation,
                message: "the $batch answer has \(parts.count) parts for \(operations.count) requests", isRetriable: true)
        }
        return (parts, unknown)
    }

    /// A part's answer: written, sent again (429, 5xx, 401), or a reject with the CRM's
    /// code. `refine` may read a refusal as success (a re-delivered insert or delete).
    func result(_ part: DynamicsBatch.PartResponse, refine: (Int, String) -> CRMWriteOutcome? = { _, _ in nil }) -> CRMPartRetry.PartResult {
        if (200..<300).contains(part.status) { return .done(.written) }
        if CRMError.isRetriableStatus(part.status) || part.status == 401 {
            return .retry(after: configuration.retry.retryAfter(part.headers["retry-after"]), reason: "HTTP \(part.status)")
        }
        let error = CRMErrorBody.parse(part.body)
        let code = error?.code.flatMap { $0.isEmpty ? nil : $0 } ?? "http-\(part.status)"
        if let refined = refine(part.status, code) { return .done(refined) }
        let message = error.map { CRMExchange.oneLine($0.message) } ?? "HTTP \(part.status)"
        return .done(.rejected(code: code, message: message))
    }

    /// Sends `operations` (by record index) as `$batch` calls and answers one outcome per
    /// record; `refused` are records that never became an operation.
    func write(
        count: Int, refused: [Int: CRMWriteOutcome], operations: [Int: DynamicsBatch.Operation], operation: String,
        refine: (Int, String) -> CRMWriteOutcome? = { _, _ in nil }
    ) async throws -> [CRMWriteOutcome] {
        try await CRMBatchWrite.outcomes(count: count, refused: refused, exchange: exchange, operation: operation) { indices in
            try await send(indices.compactMap { operations[$0] }, operation: operation).map { result($0, refine: refine) }
        }
    }
}
