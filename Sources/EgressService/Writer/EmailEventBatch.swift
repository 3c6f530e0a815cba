import CRMConnectors
import CoreValues
import Foundation
import KafkaBridge
import WorkflowRuntime

/// One polled batch of the email-events topic, sorted out: the events to upsert (the
/// last message of each event id: one CRM call must not name a key twice), the messages
/// that are bad input (rejected here with a clear code), and the offsets to commit once
/// the CRM answered for every event.
struct EmailEventBatch: Sendable {
    struct Item: Sendable {
        var event: CRMEmailEvent
        var origin: Origin
    }

    struct Origin: Sendable {
        var topic: String
        var partition: Int32
        var offset: Int64
    }

    var items: [Item] = []
    var rejects: [RejectStore.Reject] = []
    var offsets: [KafkaTopicPartitionOffset] = []

    init(messages: [KafkaMessage]) {
        var next: [KafkaTopicPartition: Int64] = [:]
        var position: [String: Int] = [:]
        for message in messages {
            let partition = KafkaTopicPartition(topic: message.topic, partition: message.partition)
            next[partition] = max(next[partition] ?? 0, message.offset + 1)
            let origin = Origin(topic: message.topic, partition: message.partition, offset: message.offset)
            switch Self.event(message) {
            case .failure(let problem):
                rejects.append(Self.reject(origin, id: problem.id, symbol: problem.symbol, problem.message))
            case .success(let event):
                if let at = position[event.eventID] {
                    items[at] = Item(event: event, origin: origin)
                } else {
                    position[event.eventID] = items.count
                    items.append(Item(event: event, origin: origin))
                }
            }
        }
        offsets = next.map { KafkaTopicPartitionOffset(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value) }
    }

    struct Problem: Error {
        var id: String?
        var symbol: String
        var message: String
    }

    /// The message as an event, or the reason it cannot be one.
    static func event(_ message: KafkaMessage) -> Result<CRMEmailEvent, Problem> {
        let envelope: Envelope
        switch Envelope.decode(message.value ?? []) {
        case .failure(let error):
            // The key is the event id the reader published it under: the reject names it
            // as the other writers' rejects do, even when the value cannot be read.
            return .failure(Problem(id: message.key.map { String(decoding: $0, as: UTF8.self) }, symbol: "bad-envelope", message: "\(error)"))
        case .success(let decoded): envelope = decoded
        }
        let id = envelope.id
        guard envelope.entity == EmailEventEnvelopesName.entity else {
            return .failure(Problem(id: id, symbol: "unknown-entity", message: "entity \"\(envelope.entity)\" does not belong on \(message.topic)"))
        }
        guard envelope.op == .upsert else {
            return .failure(Problem(id: id, symbol: "unsupported-operation", message: "email events are never deleted; op \"\(envelope.op.rawValue)\" is refused"))
        }
        let type = envelope.fields["event_type"]?.text
        guard let type, let kind = CRMEmailEvent.Kind(rawValue: type) else {
            let shown = type.map { "\"\($0.prefix(40))\"" } ?? "null"
            return .failure(Problem(id: id, symbol: "unknown-event-type", message: "event_type \(shown) is not one of send, open, click, bounce"))
        }
        guard let crmID = envelope.fields["crm_id"]?.text?.trimmingCharacters(in: .whitespaces), !crmID.isEmpty else {
            return .failure(Problem(id: id, symbol: "missing-crm-id", message: "crm_id is null or empty: the event names no CRM contact"))
        }
        let occurredAt: Date
        if let text = envelope.fields["occurred_at"]?.text {
            guard case .success(let value) = DateTimeText.parse(text, leniency: .rfc3339) else {
                return .failure(Problem(id: id, symbol: "bad-occurred-at", message: "occurred_at \"\(text.prefix(40))\" is not an RFC 3339 date-time"))
            }
            occurredAt = value.date
        } else {
            return .failure(Problem(id: id, symbol: "missing-occurred-at", message: "occurred_at is null"))
        }
        func text(_ name: String) -> String? { envelope.fields[name]?.text }
        return .success(CRMEmailEvent(
            eventID: id, kind: kind, contactID: crmID, occurredAt: occurredAt, campaignName: text("campaign_name"),
            deliveryName: text("delivery_name"), url: kind == .click ? text("url") : nil))
    }

    static func reject(_ origin: Origin, id: String?, symbol: String, _ message: String) -> RejectStore.Reject {
        RejectStore.Reject(
            workflow: .campaignToCRM, entity: EmailEventEnvelopesName.entity, recordID: id, errorSymbol: symbol, errorMessage: message,
            topic: origin.topic, partition: origin.partition, offset: origin.offset)
    }
}

/// The entity name shared by the reader's envelopes and the writer's rejects.
enum EmailEventEnvelopesName {
    static let entity = "email-event"
}
