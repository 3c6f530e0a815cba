import Foundation
import HTTPBridge
import Logging

/// Email events into Salesforce (SPEC §2.2): `CRMB_Email_Event__c` records upserted by
/// the external id `CRMB_Event_Id__c` with sObject Collections (`PATCH
/// /composite/sobjects/CRMB_Email_Event__c/CRMB_Event_Id__c`, at most 200 records,
/// `allOrNone=false`), the contact in the lookup `CRMB_Contact__c`.
public struct SalesforceEmailEventWriter: CRMEmailEventWriter {
    public static let object = "CRMB_Email_Event__c"
    public static let externalID = "CRMB_Event_Id__c"
    /// Per-record codes that say "try again", not "this record is wrong".
    static let transientCodes: Set<String> = ["UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE", "REQUEST_LIMIT_EXCEEDED"]

    public let configuration: SalesforceConfiguration
    public let maxBatch: Int
    let exchange: CRMExchange
    let tokens: OAuthTokenProvider

    public var system: String { "salesforce" }

    /// - Parameter batchSize: records per Collections call, at most 200 (Salesforce's limit).
    public init(configuration: SalesforceConfiguration, http: HTTPClient, logger: Logger, batchSize: Int = 200, onRetry: CRMRetryObserver? = nil) {
        self.configuration = configuration
        self.maxBatch = min(max(1, batchSize), 200)
        var logger = logger
        logger[metadataKey: "crm.system"] = "salesforce"
        self.exchange = CRMExchange(
            system: "salesforce", http: http, retry: configuration.retry, timeout: configuration.requestTimeout, logger: logger, onRetry: onRetry)
        self.tokens = OAuthTokenProvider(credentials: configuration.credentials, exchange: exchange)
    }

    public func upsert(_ events: [CRMEmailEvent]) async throws -> [CRMWriteOutcome] {
        precondition(events.count <= maxBatch, "upsert takes at most maxBatch events")
        var outcomes = [CRMWriteOutcome?](repeating: nil, count: events.count)
        try await CRMPartRetry.run(
            pending: Array(events.indices), policy: configuration.retry, system: system,
            operation: "upsert \(Self.object) (collections)", logger: exchange.logger, onRetry: exchange.onRetry
        ) { indices in
            try await send(indices.map { events[$0] }).map { result -> CRMPartRetry.PartResult in
                if result.success { return .done(.written) }
                if Self.transientCodes.contains(result.code) { return .retry(after: nil, reason: result.code) }
                return .done(.rejected(code: result.code, message: result.message))
            }
        } record: { index, outcome in
            outcomes[index] = outcome
        }
        return outcomes.map { $0 ?? .rejected(code: "unanswered", message: "the CRM gave no answer for this record") }
    }

    struct RecordResult {
        var success: Bool
        var code: String
        var message: String
    }

    private func send(_ events: [CRMEmailEvent]) async throws -> [RecordResult] {
        let records = events.map(Self.record)
        let body = Array(try JSONSerialization.data(
            withJSONObject: ["allOrNone": false, "records": records] as [String: Any], options: [.withoutEscapingSlashes]))
        let path = "/services/data/\(configuration.apiVersion)/composite/sobjects/\(Self.object)/\(Self.externalID)"
        let headers: HTTPHeaders = ["Accept": "application/json", "Content-Type": "application/json"]
        let operation = "upsert \(events.count) \(Self.object) (collections)"
        let results = try await exchange.perform(
            operation, tokens: tokens, idempotent: true,
            build: { token in HTTPRequest(method: "PATCH", url: url(path, token: token), headers: headers, body: body) },
            decode: { response throws(CRMJSON.Problem) in try Self.results(response.body) })
        guard results.count == events.count else {
            throw CRMError(
                system: system, code: .malformedResponse, operation: operation,
                message: "the answer has \(results.count) results for \(events.count) records", isRetriable: true)
        }
        return results
    }

    /// One record of the Collections body; `attributes.type` is required for an upsert.
    static func record(_ event: CRMEmailEvent) -> [String: Any] {
        [
            "attributes": ["type": object],
            externalID: event.eventID,
            "Name": String(event.subject.prefix(80)),
            "CRMB_Type__c": event.kind.rawValue,
            "CRMB_Contact__c": event.contactID,
            "CRMB_Campaign_Name__c": event.campaignName ?? NSNull(),
            "CRMB_Delivery_Name__c": event.deliveryName ?? NSNull(),
            "CRMB_Event_Date__c": CRMTimestamp.string(event.occurredAt),
            "CRMB_URL__c": event.url ?? NSNull(),
            "CRMB_Mirror_URL__c": event.mirrorURL ?? NSNull(),
        ]
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
    private func url(_ path: String, token: OAuthToken?) -> String {
        var root = configuration.instanceURL
        if configuration.useTokenInstanceURL, let instance = token?.instanceURL, !instance.isEmpty {
            root = instance.hasSuffix("/") ? String(instance.dropLast()) : instance
        }
        return root + path
    }
}
