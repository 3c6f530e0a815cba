import Foundation
import HTTPBridge
import Logging

/// What the Salesforce write sides share: one exchange with the process's budget, the
/// sObject Collections call (`allOrNone: false`, one result per record in order) and the
/// reading of a record's result.
struct SalesforceCollectionsCall: Sendable {
    /// Per-record codes that say "try again", not "this record is wrong".
    static let transientCodes: Set<String> = ["UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE", "REQUEST_LIMIT_EXCEEDED"]

    struct RecordResult {
        var success: Bool
        var code: String
        var message: String
    }

    let configuration: SalesforceConfiguration
    let exchange: CRMExchange
    let tokens: OAuthTokenProvider

    init(configuration: SalesforceConfiguration, http: HTTPClient, logger: Logger, onRetry: CRMRetryObserver?, limiter: CRMBudgetLimiter?) {
        self.configuration = configuration
        (exchange, tokens) = configuration.exchange(http: http, logger: logger, onRetry: onRetry, limiter: limiter)
    }

    /// `/services/data/<version>/<path>`.
    func path(_ path: String) -> String { "/services/data/\(configuration.apiVersion)/\(path)" }

    /// One Collections call; `records` nil sends no body (a delete by `?ids=`).
    func send(
        method: String, path: String, records: [[String: Any]]?, count: Int, operation: String, idempotent: Bool = true
    ) async throws -> [RecordResult] {
        let body = try records.map {
            Array(try JSONSerialization.data(withJSONObject: ["allOrNone": false, "records": $0] as [String: Any], options: [.withoutEscapingSlashes]))
        }
        let headers: HTTPHeaders = body == nil ? ["Accept": "application/json"] : ["Accept": "application/json", "Content-Type": "application/json"]
        let results = try await exchange.perform(
            operation, tokens: tokens, idempotent: idempotent,
            build: { token in HTTPRequest(method: method, url: url(path, token: token), headers: headers, body: body) },
            decode: { response throws(CRMJSON.Problem) in try Self.results(response.body) })
        guard results.count == count else {
            throw CRMError(
                system: "salesforce", code: .malformedResponse, operation: operation,
                message: "the answer has \(results.count) results for \(count) records", isRetriable: idempotent)
        }
        return results
    }

    /// A record's result as written, sent again or a reject; `refine` may read a
    /// failure as success (a delete of a record already gone).
    static func result(_ result: RecordResult, refine: (String) -> CRMWriteOutcome? = { _ in nil }) -> CRMPartRetry.PartResult {
        if result.success { return .done(.written) }
        if transientCodes.contains(result.code) { return .retry(after: nil, reason: result.code) }
        if let refined = refine(result.code) { return .done(refined) }
        return .done(.rejected(code: result.code, message: result.message))
    }

    /// `[{"id":…,"success":true,"errors":[],"created":…}, {"success":false,"errors":[{"statusCode":…,"message":…}]}]`.
    static func results(_ body: [UInt8]) throws(CRMJSON.Problem) -> [RecordResult] {
        guard let array = CRMJSON.anyValue(body) as? [Any] else {
            throw CRMJSON.Problem(description: "the Collections answer is not a JSON array", isTransient: CRMJSON.anyValue(body) == nil)
        }
        var results: [RecordResult] = []
        for item in array {
            guard let object = item as? [String: Any], let success = object["success"] as? Bool else {
                throw CRMJSON.Problem(description: "a Collections result has no success member")
            }
            let first = (object["errors"] as? [[String: Any]])?.first
            let code = (first?["statusCode"] as? String) ?? (first?["errorCode"] as? String) ?? (success ? "" : "UNKNOWN_ERROR")
            results.append(RecordResult(success: success, code: code, message: CRMExchange.oneLine(first?["message"] as? String ?? "")))
        }
        return results
    }

    /// `path` on the instance root (the token's `instance_url` when configured so).
    func url(_ path: String, token: OAuthToken?) -> String {
        var root = configuration.instanceURL
        if configuration.useTokenInstanceURL, let instance = token?.instanceURL, !instance.isEmpty {
            root = instance.hasSuffix("/") ? String(instance.dropLast()) : instance
        }
        return root + path
    }
}
