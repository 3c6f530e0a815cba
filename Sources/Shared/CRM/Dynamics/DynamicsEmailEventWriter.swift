import Foundation
import HTTPBridge
import Logging

/// Email events into Dynamics 365 activities (SPEC §2.2): `PATCH
/// crmb_email<kind>s(crmb_eventid='<id>')` upserts by the alternate key, regarding bound
/// to the contact, sent in `$batch` requests with `Prefer: odata.continue-on-error` so
/// one refused record does not stop the others.
public struct DynamicsEmailEventWriter: CRMEmailEventWriter {
    public let configuration: DynamicsConfiguration
    public let maxBatch: Int
    let exchange: CRMExchange
    let tokens: OAuthTokenProvider

    public var system: String { "dynamics" }

    /// - Parameter batchSize: operations per `$batch`, at most 1000 (the Web API's limit).
    public init(configuration: DynamicsConfiguration, http: HTTPClient, logger: Logger, batchSize: Int = 1000, onRetry: CRMRetryObserver? = nil) {
        self.configuration = configuration
        self.maxBatch = min(max(1, batchSize), 1000)
        var logger = logger
        logger[metadataKey: "crm.system"] = "dynamics"
        self.exchange = CRMExchange(
            system: "dynamics", http: http, retry: configuration.retry, timeout: configuration.requestTimeout, logger: logger, onRetry: onRetry)
        self.tokens = OAuthTokenProvider(credentials: configuration.credentials, exchange: exchange)
    }

    public func upsert(_ events: [CRMEmailEvent]) async throws -> [CRMWriteOutcome] {
        precondition(events.count <= maxBatch, "upsert takes at most maxBatch events")
        var outcomes = [CRMWriteOutcome?](repeating: nil, count: events.count)
        var pending: [Int] = []
        for (index, event) in events.enumerated() {
            // Dataverse ids are GUIDs; anything else would be refused in the bind anyway.
            if UUID(uuidString: event.contactID) == nil {
                outcomes[index] = .rejected(code: "invalid-crm-id", message: "crm_id \"\(event.contactID.prefix(60))\" is not a Dynamics contact id (a GUID)")
            } else {
                pending.append(index)
            }
        }
        try await CRMPartRetry.run(
            pending: pending, policy: configuration.retry, system: system, operation: "upsert email events ($batch)",
            logger: exchange.logger, onRetry: exchange.onRetry
        ) { indices in
            let parts = try await send(indices.map { events[$0] })
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

    /// One `$batch` of upserts; one inner response per event, in order.
    private func send(_ events: [CRMEmailEvent]) async throws -> [DynamicsBatch.PartResponse] {
        let operations = try events.map { event in
            DynamicsBatch.Operation(method: "PATCH", url: configuration.webAPIURL + Self.keyPath(event), body: try Self.body(event))
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
            "upsert \(events.count) email events ($batch)", tokens: tokens, idempotent: true,
            build: { _ in HTTPRequest(method: "POST", url: url, headers: headers, body: body) },
            decode: { response throws(CRMJSON.Problem) in
                try DynamicsBatch.parse(response.body, contentType: response.headers["Content-Type"])
            })
        guard parts.count == events.count else {
            throw CRMError(
                system: system, code: .malformedResponse, operation: "upsert email events ($batch)",
                message: "the $batch answer has \(parts.count) parts for \(events.count) requests", isRetriable: true)
        }
        return parts
    }

    /// `crmb_emailsends(crmb_eventid='123')`: the alternate key, quotes doubled as OData
    /// string literals want, then percent-encoded.
    static func keyPath(_ event: CRMEmailEvent) -> String {
        let literal = event.eventID.replacingOccurrences(of: "'", with: "''")
        return "\(entitySet(event.kind))(crmb_eventid='\(HTTPRequest.percentEncoded(literal))')"
    }

    static func entitySet(_ kind: CRMEmailEvent.Kind) -> String { "crmb_email\(kind.rawValue)s" }

    /// The activity's columns. The alternate key stays in the URL only (repeated in the
    /// body, the create path of some messages fails with 0x80040216).
    static func body(_ event: CRMEmailEvent) throws -> [UInt8] {
        let activity = "crmb_email\(event.kind.rawValue)"
        let object: [String: Any] = [
            "subject": event.subject,
            "crmb_campaignname": event.campaignName ?? NSNull(),
            "crmb_deliveryname": event.deliveryName ?? NSNull(),
            "crmb_eventdate": CRMTimestamp.string(event.occurredAt),
            "crmb_url": event.url ?? NSNull(),
            "crmb_mirrorurl": event.mirrorURL ?? NSNull(),
            // The navigation property of an activity's regarding names the target and the
            // activity, exactly in this case: plain `regardingobjectid` is refused.
            "regardingobjectid_contact_\(activity)@odata.bind": "/contacts(\(event.contactID.lowercased()))",
        ]
        return Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
    }
}
