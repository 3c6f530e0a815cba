import CoreValues
import Foundation
import KafkaBridge
import WorkflowRuntime

/// One opt-out change as the writer takes it from either topic, or why it cannot be one.
struct OptOutChange: Sendable {
    var crmID: String
    var value: Bool
    /// CRM: the record's last-modified time; Campaign: `blocklisted_at`.
    var time: Date
    var origin: Origin

    struct Origin: Sendable {
        var topic: String
        var partition: Int32
        var offset: Int64
    }

    struct Problem: Error {
        var id: String?
        var symbol: String
        var message: String
    }

    static func origin(_ message: KafkaMessage) -> Origin {
        Origin(topic: message.topic, partition: message.partition, offset: message.offset)
    }

    /// A message of `crmbridge.opt-in-out.from-crm`; `field` is the CRM's opt-out field.
    static func fromCRM(_ message: KafkaMessage, field: String) -> Result<OptOutChange, Problem> {
        envelope(message).flatMap { envelope in
            let value = envelope.fields[field] ?? .null
            guard case .bool(let flag) = value else {
                return .failure(Problem(
                    id: envelope.id, symbol: "not-a-boolean",
                    message: "\(field) is \(value.kindName) (\(String((value.text ?? "null").prefix(40)))), not a boolean: check opt-in-out's crmField"))
            }
            return .success(OptOutChange(crmID: envelope.id, value: flag, time: envelope.modifiedAt, origin: origin(message)))
        }
    }

    /// A message of `crmbridge.opt-in-out.from-campaign`.
    static func fromCampaign(_ message: KafkaMessage) -> Result<OptOutChange, Problem> {
        envelope(message).flatMap { envelope in
            let flagName = OptOutEnvelopes.campaignFlag
            let timeName = OptOutEnvelopes.campaignTime
            let value = envelope.fields[flagName] ?? .null
            guard case .bool(let flag) = value else {
                return .failure(Problem(id: envelope.id, symbol: "not-a-boolean", message: "\(flagName) is \(value.kindName), not a boolean"))
            }
            guard let text = envelope.fields[timeName]?.text else {
                return .failure(Problem(
                    id: envelope.id, symbol: "missing-blocklisted-at",
                    message: "\(timeName) is null: the change has no time, so the conflict rule cannot order it; set it with the flag"))
            }
            guard case .success(let time) = DateTimeText.parse(text, leniency: .rfc3339) else {
                return .failure(Problem(id: envelope.id, symbol: "bad-blocklisted-at", message: "\(timeName) \"\(text.prefix(40))\" is not an RFC 3339 date-time"))
            }
            return .success(OptOutChange(crmID: envelope.id, value: flag, time: time.date, origin: origin(message)))
        }
    }

    private static func envelope(_ message: KafkaMessage) -> Result<Envelope, Problem> {
        switch Envelope.decode(message.value ?? []) {
        case .failure(let error):
            return .failure(Problem(id: message.key.map { String(decoding: $0, as: UTF8.self) }, symbol: "bad-envelope", message: "\(error)"))
        case .success(let envelope):
            guard envelope.entity == OptOutEnvelopes.entity else {
                return .failure(Problem(id: envelope.id, symbol: "unknown-entity", message: "entity \"\(envelope.entity)\" does not belong on \(message.topic)"))
            }
            guard envelope.op == .upsert else {
                return .failure(Problem(id: envelope.id, symbol: "unsupported-operation", message: "opt-out changes are never deletes; op \"\(envelope.op.rawValue)\" is refused"))
            }
            guard !envelope.id.trimmingCharacters(in: .whitespaces).isEmpty else {
                return .failure(Problem(id: envelope.id, symbol: "missing-crm-id", message: "the change names no CRM id"))
            }
            return .success(envelope)
        }
    }

    func reject(_ symbol: String, _ message: String) -> RejectStore.Reject {
        Self.reject(origin, id: crmID, symbol: symbol, message)
    }

    static func reject(_ origin: Origin, id: String?, symbol: String, _ message: String) -> RejectStore.Reject {
        RejectStore.Reject(
            workflow: .optInOut, entity: OptOutEnvelopes.entity, recordID: id, errorSymbol: symbol, errorMessage: message,
            topic: origin.topic, partition: origin.partition, offset: origin.offset)
    }
}
