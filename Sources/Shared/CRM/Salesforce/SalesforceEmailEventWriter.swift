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
    public let configuration: SalesforceConfiguration
    /// Most events one `upsert` takes.
    public let maxBatch: Int
    /// Records per Collections call.
    public let callSize: Int
    /// Calls of more records than this go through Bulk API 2.0; nil: never.
    public let bulkAbove: Int?
    let call: SalesforceCollectionsCall
    let bulk: SalesforceBulkIngest

    public var system: String { "salesforce" }

    /// - Parameter batchSize: records per Collections call, at most 200 (Salesforce's limit).
    /// - Parameter parallelCalls: Collections calls one `upsert` may have going at once
    ///   (the budget limiter decides how many really are in flight).
    /// - Parameter bulkAbove: more records than this in one `upsert` go as one Bulk API
    ///   2.0 job (default 2,000, Salesforce's advice); nil keeps to Collections.
    /// - Parameter bulkMaxRecords: most records one `upsert` takes when Bulk API 2.0 is on.
    /// - Parameter limiter: the budget to spend; default the process's for this user.
    public init(
        configuration: SalesforceConfiguration, http: HTTPClient, logger: Logger, batchSize: Int = 200,
        parallelCalls: Int = 1, bulkAbove: Int? = 2000, bulkMaxRecords: Int = 10_000, bulkPollInterval: Duration = .seconds(2),
        onRetry: CRMRetryObserver? = nil, limiter: CRMBudgetLimiter? = nil
    ) {
        self.configuration = configuration
        self.callSize = min(max(1, batchSize), 200)
        self.bulkAbove = bulkAbove.map { max(1, $0) }
        self.maxBatch = bulkAbove == nil ? callSize * max(1, parallelCalls) : max(callSize * max(1, parallelCalls), bulkMaxRecords)
        self.call = SalesforceCollectionsCall(configuration: configuration, http: http, logger: logger, onRetry: onRetry, limiter: limiter)
        self.bulk = SalesforceBulkIngest(call: call, pollInterval: bulkPollInterval, maxPolls: 900)
    }

    public func upsert(_ events: [CRMEmailEvent]) async throws -> [CRMWriteOutcome] {
        precondition(events.count <= maxBatch, "upsert takes at most maxBatch events")
        var outcomes = [CRMWriteOutcome?](repeating: nil, count: events.count)
        var pending = Array(events.indices)
        if let bulkAbove, events.count > bulkAbove {
            let results = try await bulk.upsert(
                object: Self.object, externalID: Self.externalID, columns: Self.columns, rows: events.map(Self.row))
            pending = []
            for (index, result) in results.enumerated() {
                switch result {
                case .written: outcomes[index] = .written
                case .rejected(let code, let message): outcomes[index] = .rejected(code: code, message: message)
                case .unprocessed: pending.append(index)  // sent again below
                }
            }
        }
        let operation = "upsert \(Self.object) (collections)"
        let path = call.path("composite/sobjects/\(Self.object)/\(Self.externalID)")
        let written = try await CRMBatchWrite.inCalls(pending, callSize: callSize) { [call] chunk in
            try await CRMBatchWrite.outcomes(count: chunk.count, refused: [:], exchange: call.exchange, operation: operation) { indices in
                try await call.send(
                    method: "PATCH", path: path, records: indices.map { Self.record(events[chunk[$0]]) }, count: indices.count,
                    operation: "upsert \(indices.count) \(Self.object) (collections)"
                ).map { SalesforceCollectionsCall.result($0) }
            }
        }
        for (index, outcome) in written { outcomes[index] = outcome }
        return outcomes.map { $0 ?? .rejected(code: "unanswered", message: "the CRM gave no answer for this record") }
    }

    /// The columns of a Bulk API 2.0 upload, the external id first.
    static let columns = [
        externalID, "Name", "CRMB_Type__c", "CRMB_Contact__c", "CRMB_Campaign_Name__c", "CRMB_Delivery_Name__c",
        "CRMB_Event_Date__c", "CRMB_URL__c", "CRMB_Mirror_URL__c",
    ]

    /// One CSV row in `columns` order; nil is written as `#N/A` (null).
    static func row(_ event: CRMEmailEvent) -> [String?] {
        [
            event.eventID, String(event.subject.prefix(80)), event.kind.rawValue, event.contactID, event.campaignName,
            event.deliveryName, CRMTimestamp.string(event.occurredAt), event.url, event.mirrorURL,
        ]
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
}
