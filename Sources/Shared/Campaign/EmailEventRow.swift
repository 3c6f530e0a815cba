import Foundation

/// One row of Campaign's `email_events` table as the reader found it, values as they
/// are (an unknown `event_type` or a null `crm_id` is for the writer to reject, with
/// the row's id, rather than for the reader to drop silently).
public struct EmailEventRow: Sendable, Equatable {
    public var cursor: EmailEventCursor
    public var id: Int64 { cursor.id }
    public var eventType: String?
    public var crmID: String?
    public var occurredAt: Date?
    public var campaignName: String?
    public var deliveryName: String?
    public var url: String?
    public var bounceType: String?

    public init(
        cursor: EmailEventCursor, eventType: String?, crmID: String?, occurredAt: Date?,
        campaignName: String? = nil, deliveryName: String? = nil, url: String? = nil, bounceType: String? = nil
    ) {
        self.cursor = cursor
        self.eventType = eventType
        self.crmID = crmID
        self.occurredAt = occurredAt
        self.campaignName = campaignName
        self.deliveryName = deliveryName
        self.url = url
        self.bounceType = bounceType
    }
}
