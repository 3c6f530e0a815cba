import Campaign
import CoreValues
import Foundation

/// A row of `email_events` as the envelope of SPEC §4: `system: "campaign"`, entity
/// `email-event`, id = the event id (also the Kafka key), fields under the Campaign
/// column names, values as they are (the writer judges them).
enum EmailEventEnvelopes {
    static let entity = EmailEventEnvelopesName.entity

    static func envelope(_ row: EmailEventRow, now: Date) -> Envelope {
        func text(_ value: String?) -> FieldValue { value.map(FieldValue.string) ?? .null }
        return Envelope(
            op: .upsert, system: .campaign, entity: entity, id: String(row.id), modifiedAt: row.occurredAt ?? now,
            fields: [
                "event_type": text(row.eventType),
                "crm_id": text(row.crmID),
                "occurred_at": text(row.occurredAt.map { DateTimeText(utc: $0).utcString }),
                "campaign_name": text(row.campaignName),
                "delivery_name": text(row.deliveryName),
                "url": text(row.url),
                "bounce_type": text(row.bounceType),
            ])
    }
}
