import Foundation
import KafkaBridge
import WorkflowRuntime

/// One bad message of the catalogue: what is wrong with it, the topic it is published to,
/// and its bytes. Key and envelope id are the case's name, so its reject is found by it.
struct BadMessage: Sendable, CustomStringConvertible {
    var kind: Kind
    var topic: Topic
    var key: String
    var value: [UInt8]

    var description: String { "\(kind.rawValue) on \(topic.topicName)" }

    /// The topics a writer consumes.
    enum Topic: String, CaseIterable, Sendable {
        case contact, emailEvents = "email-events", fromCRM = "from-crm", fromCampaign = "from-campaign"

        var topicName: String {
            switch self {
            case .contact: ChaosStack.contactTopic
            case .emailEvents: Topics.emailEvents
            case .fromCRM: Topics.optOutFromCRM
            case .fromCampaign: Topics.optOutFromCampaign
            }
        }

        /// A valid envelope of the topic (before a kind spoils it), as a JSON object.
        func envelope(id: String) -> [String: Any] {
            var envelope: [String: Any] = ["schema": 1, "op": "upsert", "id": id, "modifiedAt": "2026-01-02T03:04:05Z"]
            switch self {
            case .contact:
                envelope["system"] = "dynamics"
                envelope["entity"] = "contact"
                envelope["fields"] = ["lastname": "Bad Input", "firstname": "Case"]
            case .emailEvents:
                envelope["system"] = "campaign"
                envelope["entity"] = "email-event"
                envelope["fields"] = [
                    "event_type": "open", "crm_id": "00000000-0000-0000-0000-000000000001", "occurred_at": "2026-01-02T03:04:05Z",
                    "campaign_name": "C", "delivery_name": "D", "url": NSNull(), "bounce_type": NSNull(),
                ]
            case .fromCRM:
                envelope["system"] = "dynamics"
                envelope["entity"] = "contact"
                envelope["fields"] = ["donotbulkemail": true]
            case .fromCampaign:
                envelope["system"] = "campaign"
                envelope["entity"] = "contact"
                envelope["fields"] = ["blocklisted": true, "blocklisted_at": "2026-01-02T03:04:05Z"]
            }
            return envelope
        }

        /// The name of a field of the topic's records, for the kinds that spoil one.
        var someField: String {
            switch self {
            case .contact: "lastname"
            case .emailEvents: "campaign_name"
            case .fromCRM: "donotbulkemail"
            case .fromCampaign: "blocklisted"
            }
        }
    }

    /// SPEC §4 / issue 16: what can be wrong with a message on any topic.
    enum Kind: String, CaseIterable, Sendable {
        case malformedJSON = "malformed-json"
        case truncatedJSON = "truncated-json"
        case unknownSchema = "unknown-schema"
        case unknownEntity = "unknown-entity"
        case invalidUTF8 = "invalid-utf8"
        case oversizedValue = "oversized-value"
        case invalidDate = "invalid-date"
        case wrongType = "wrong-type"
        case unknownEnvelopeField = "unknown-envelope-field"
        case sqlInjectionID = "sql-injection-id"

        /// The reject every writer gives this kind; nil when the message is valid in shape
        /// (the target decides: stored as data, or the target's own refusal).
        var expectedSymbol: String? {
            switch self {
            case .unknownEntity: "unknown-entity"
            case .oversizedValue, .sqlInjectionID: nil
            default: "bad-envelope"
            }
        }
    }

    static func make(_ kind: Kind, on topic: Topic) -> BadMessage {
        let key = kind == .sqlInjectionID
            ? "bad-\(topic.rawValue)'); DROP TABLE profiles; --"
            : "bad-\(topic.rawValue)-\(kind.rawValue)"
        var envelope = topic.envelope(id: key)
        func json(_ object: [String: Any]) -> [UInt8] { Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) }
        let value: [UInt8]
        switch kind {
        case .malformedJSON:
            value = Array(#"{"schema":1,"op":"upsert",,"id":}"#.utf8)
        case .truncatedJSON:
            let whole = json(envelope)
            value = Array(whole.prefix(whole.count / 2))
        case .unknownSchema:
            envelope["schema"] = 99
            value = json(envelope)
        case .unknownEntity:
            envelope["entity"] = "spaceship"
            value = json(envelope)
        case .invalidUTF8:
            var fields = envelope["fields"] as! [String: Any]
            fields[topic.someField] = "MARKER"
            envelope["fields"] = fields
            var bytes = json(envelope)
            let marker = Array("MARKER".utf8)
            if let start = (0...(bytes.count - marker.count)).first(where: { Array(bytes[$0..<($0 + marker.count)]) == marker }) {
                bytes.replaceSubrange(start..<(start + marker.count), with: [0xC3, 0x28, 0xFF, 0xFE])
            }
            value = bytes
        case .oversizedValue:
            var fields = envelope["fields"] as! [String: Any]
            fields[topic.someField] = String(repeating: "x", count: 600_000)
            envelope["fields"] = fields
            value = json(envelope)
        case .invalidDate:
            envelope["modifiedAt"] = "2026-13-45T99:61:00Z"
            value = json(envelope)
        case .wrongType:
            var fields = envelope["fields"] as! [String: Any]
            fields[topic.someField] = ["nested": [1, 2, 3]]
            envelope["fields"] = fields
            value = json(envelope)
        case .unknownEnvelopeField:
            envelope["priority"] = "urgent"
            value = json(envelope)
        case .sqlInjectionID:
            // Valid in shape; the id is hostile. It must stay data (a row with that id, or
            // a reject), never SQL.
            var fields = envelope["fields"] as! [String: Any]
            if topic == .contact { fields["lastname"] = "x'); DROP TABLE profiles; --" }
            envelope["fields"] = fields
            value = json(envelope)
        }
        return BadMessage(kind: kind, topic: topic, key: key, value: value)
    }

    static var catalogue: [BadMessage] {
        Topic.allCases.flatMap { topic in Kind.allCases.map { make($0, on: topic) } }
    }
}
