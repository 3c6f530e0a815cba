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
    public let maxBatch: Int
    let call: SalesforceCollectionsCall

    public var system: String { "salesforce" }

    /// - Parameter batchSize: records per Collections call, at most 200 (Salesforce's limit).
    /// - Parameter limiter: the budget to spend; default the process's for this user.
    public init(
        configuration: SalesforceConfiguration, http: HTTPClient, logger: Logger, batchSize: Int = 200,
        onRetry: CRMRetryObserver? = nil, limiter: CRMBudgetLimiter? = nil
    ) {
        self.configuration = configuration
        self.maxBatch = min(max(1, batchSize), 200)
        self.call = SalesforceCollectionsCall(configuration: configuration, http: http, logger: logger, onRetry: onRetry, limiter: limiter)
    }

    public func upsert(_ events: [CRMEmailEvent]) async throws -> [CRMWriteOutcome] {
        precondition(events.count <= maxBatch, "upsert takes at most maxBatch events")
        let operation = "upsert \(Self.object) (collections)"
        let path = call.path("composite/sobjects/\(Self.object)/\(Self.externalID)")
        return try await CRMBatchWrite.outcomes(count: events.count, refused: [:], exchange: call.exchange, operation: operation) { indices in
            try await call.send(
                method: "PATCH", path: path, records: indices.map { Self.record(events[$0]) }, count: indices.count,
                operation: "upsert \(indices.count) \(Self.object) (collections)"
            ).map { SalesforceCollectionsCall.result($0) }
        }
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
