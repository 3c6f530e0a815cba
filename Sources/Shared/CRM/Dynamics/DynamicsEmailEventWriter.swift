import Foundation
import HTTPBridge
import Logging

/// Email events into Dynamics 365 activities (SPEC §2.2), keyed by the alternate key
/// `crmb_eventid`, regarding bound to the contact.
///
/// The email-event activity tables are custom tables, which support the bulk messages:
/// each kind's events go out as one `POST crmb_email<kind>s/Microsoft.Dynamics.CRM.UpsertMultiple`
/// (one request against the budget however many records). On a standard table one bad
/// record rolls that whole call back, so a call refused for good is sent once more as a
/// `$batch` of single upserts with `Prefer: odata.continue-on-error`: the good records
/// land and the bad ones become rejects, at the cost of at most one extra call.
/// With `bulkMessages` off every call is the `$batch` one.
public struct DynamicsEmailEventWriter: CRMEmailEventWriter {
    public let configuration: DynamicsConfiguration
    /// Most events one `upsert` takes: `callSize` × `parallelCalls`.
    public let maxBatch: Int
    /// Records per call.
    public let callSize: Int
    /// Send `UpsertMultiple` first (default), or only `$batch`.
    public let bulkMessages: Bool
    let call: DynamicsBatchCall

    public var system: String { "dynamics" }

    /// - Parameter batchSize: records per call, at most 1000 (the `$batch` limit; also
    ///   Microsoft's suggested start for bulk messages).
    /// - Parameter parallelCalls: calls one `upsert` may have going at once (the budget
    ///   limiter decides how many really are in flight).
    /// - Parameter limiter: the budget to spend; default the process's for this user.
    public init(
        configuration: DynamicsConfiguration, http: HTTPClient, logger: Logger, batchSize: Int = 1000,
        parallelCalls: Int = 1, bulkMessages: Bool = true, onRetry: CRMRetryObserver? = nil, limiter: CRMBudgetLimiter? = nil
    ) {
        self.configuration = configuration
        self.callSize = min(max(1, batchSize), 1000)
        self.maxBatch = callSize * max(1, parallelCalls)
        self.bulkMessages = bulkMessages
        self.call = DynamicsBatchCall(configuration: configuration, http: http, logger: logger, onRetry: onRetry, limiter: limiter)
    }

    public func upsert(_ events: [CRMEmailEvent]) async throws -> [CRMWriteOutcome] {
        precondition(events.count <= maxBatch, "upsert takes at most maxBatch events")
        var outcomes = [CRMWriteOutcome?](repeating: nil, count: events.count)
        var byKind: [CRMEmailEvent.Kind: [Int]] = [:]
        for (index, event) in events.enumerated() {
            // Dataverse ids are GUIDs; anything else would be refused in the bind anyway.
            if UUID(uuidString: event.contactID) == nil {
                outcomes[index] = .rejected(code: "invalid-crm-id", message: "crm_id \"\(event.contactID.prefix(60))\" is not a Dynamics contact id (a GUID)")
            } else {
                byKind[event.kind, default: []].append(index)
            }
        }
        // Every kind's calls at once (one after the other, a write lasted as long as its
        // kinds' calls added up), each kind's events in calls of equal size (a write ends
        // with its slowest call: 1,000 + 40 records made one long call and one short).
        var calls: [(kind: CRMEmailEvent.Kind, indices: [Int])] = []
        for kind in CRMEmailEvent.Kind.allCases {
            guard let indices = byKind[kind] else { continue }
            calls += CRMBatchWrite.equalCalls(indices, callSize: callSize).map { (kind, $0) }
        }
        let written = try await CRMBatchWrite.inCalls(calls.map(\.indices)) { [self] call in
            let kind = events[call[0]].kind
            let group = call.map { events[$0] }
            if bulkMessages, let results = try await upsertMultiple(group, kind: kind) { return results }
            return try await batch(group)
        }
        for (index, outcome) in written { outcomes[index] = outcome }
        return outcomes.map { $0 ?? .rejected(code: "unanswered", message: "the CRM gave no answer for this record") }
    }

    /// One `UpsertMultiple` for events of one kind: every one written, or nil when the
    /// CRM refused the call for good (a bad record rolled it back: the caller sends
    /// them as `$batch`). Throttling and outages are retried inside, then thrown.
    private func upsertMultiple(_ events: [CRMEmailEvent], kind: CRMEmailEvent.Kind) async throws -> [CRMWriteOutcome]? {
        let set = Self.entitySet(kind)
        let operation = "upsert \(events.count) email events (\(set) UpsertMultiple)"
        let body = try Self.targets(events)
        let url = configuration.webAPIURL + set + "/Microsoft.Dynamics.CRM.UpsertMultiple"
        let headers: HTTPHeaders = [
            "Accept": "application/json", "OData-MaxVersion": "4.0", "OData-Version": "4.0", "Content-Type": "application/json",
        ]
        do {
            try await call.exchange.perform(
                operation, tokens: call.tokens, idempotent: true,
                build: { _ in HTTPRequest(method: "POST", url: url, headers: headers, body: body) },
                decode: { _ throws(CRMJSON.Problem) in () })
            return Array(repeating: .written, count: events.count)
        } catch let error as CRMError where Self.isRolledBack(error) {
            call.exchange.logger.notice("UpsertMultiple refused; sending the records as $batch to isolate the bad ones", metadata: [
                "crm.operation": "\(operation)", "crm.status": "\(error.status.map(String.init) ?? "")",
                "crm.code": "\(error.remoteCode ?? "")"])
            return nil
        }
    }

    /// A refusal of the whole call that a record caused (400, 404, 412 and the like),
    /// not throttling, an outage or a token problem.
    static func isRolledBack(_ error: CRMError) -> Bool {
        guard let status = error.status, !error.isRetriable else { return false }
        return (400..<500).contains(status) && ![401, 403, 408, 429].contains(status)
    }

    /// The same events as a `$batch` of single upserts, one outcome each.
    private func batch(_ events: [CRMEmailEvent]) async throws -> [CRMWriteOutcome] {
        var operations: [Int: DynamicsBatch.Operation] = [:]
        for (index, event) in events.enumerated() {
            operations[index] = DynamicsBatch.Operation(method: "PATCH", url: configuration.webAPIURL + Self.keyPath(event), body: try Self.body(event))
        }
        return try await call.write(count: events.count, refused: [:], operations: operations, operation: "upsert email events ($batch)")
    }

    /// `{"Targets":[{"@odata.type":"Microsoft.Dynamics.CRM.crmb_emailsend","@odata.id":"crmb_emailsends(crmb_eventid='1')",…}]}`.
    /// Public so that `make bench`'s plain client sends exactly the same bodies.
    public static func targets(_ events: [CRMEmailEvent]) throws -> [UInt8] {
        let targets = DynamicsEmailEventTarget.Targets(targets: events.map { DynamicsEmailEventTarget(event: $0, addressed: true) })
        return Array(try DynamicsEmailEventTarget.encoder().encode(targets))
    }

    /// `crmb_emailsends(crmb_eventid='123')`: the alternate key, quotes doubled as OData
    /// string literals want, then percent-encoded.
    /// In `@odata.id` (a JSON string, not a URL) the literal is not percent-encoded.
    static func keyPath(_ event: CRMEmailEvent, encoded: Bool = true) -> String {
        let literal = event.eventID.replacingOccurrences(of: "'", with: "''")
        return "\(entitySet(event.kind))(crmb_eventid='\(encoded ? HTTPRequest.percentEncoded(literal) : literal)')"
    }

    static func entitySet(_ kind: CRMEmailEvent.Kind) -> String { "crmb_email\(kind.rawValue)s" }

    /// The activity's columns. The alternate key stays in the URL only (repeated in the
    /// body, the create path of some messages fails with 0x80040216).
    static func body(_ event: CRMEmailEvent) throws -> [UInt8] {
        Array(try DynamicsEmailEventTarget.encoder().encode(DynamicsEmailEventTarget(event: event, addressed: false)))
    }
}
