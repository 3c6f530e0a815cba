import Foundation

/// One email event as the JSON object Dataverse takes: the activity's columns, and for
/// a bulk message's `Targets` also its `@odata.type` and `@odata.id`.
///
/// Encoded with `JSONEncoder` from a fixed set of keys: a `[String: Any]` per record
/// through `JSONSerialization` was about 30 times slower (8,000 records: 5.2 s against
/// 0.15 s, debug build, loaded machine), time the writer spent before a call could go
/// out (docs/performance.md, egress).
struct DynamicsEmailEventTarget: Encodable {
    let event: CRMEmailEvent
    /// With `@odata.type` and `@odata.id` (a bulk message's target), or the columns only.
    let addressed: Bool

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        let activity = "crmb_email\(event.kind.rawValue)"
        var container = encoder.container(keyedBy: Key.self)
        if addressed {
            try container.encode("Microsoft.Dynamics.CRM.\(activity)", forKey: Key("@odata.type"))
            try container.encode(DynamicsEmailEventWriter.keyPath(event, encoded: false), forKey: Key("@odata.id"))
        }
        try container.encode(event.subject, forKey: Key("subject"))
        // Absent values are written as null, so an update clears what Campaign cleared.
        try container.encode(event.campaignName, forKey: Key("crmb_campaignname"))
        try container.encode(event.deliveryName, forKey: Key("crmb_deliveryname"))
        try container.encode(CRMTimestamp.string(event.occurredAt), forKey: Key("crmb_eventdate"))
        try container.encode(event.url, forKey: Key("crmb_url"))
        try container.encode(event.mirrorURL, forKey: Key("crmb_mirrorurl"))
        // The navigation property of an activity's regarding names the target and the
        // activity, exactly in this case: plain `regardingobjectid` is refused.
        try container.encode("/contacts(\(event.contactID.lowercased()))", forKey: Key("regardingobjectid_contact_\(activity)@odata.bind"))
    }

    /// `{"Targets":[…]}` of a bulk message.
    struct Targets: Encodable {
        let targets: [DynamicsEmailEventTarget]

        enum CodingKeys: String, CodingKey {
            case targets = "Targets"
        }
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
