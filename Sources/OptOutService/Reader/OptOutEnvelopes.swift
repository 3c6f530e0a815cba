import Campaign
import CRMConnectors
import CoreValues
import Foundation
import KafkaBridge
import WorkflowRuntime

/// The envelopes of SPEC §4 for opt-out changes. Key and `id` = the CRM id of the
/// contact on both topics (one partition per contact, so its changes stay in order);
/// `fields` are the source's own names: the CRM field (e.g. `donotbulkemail`) from the
/// CRM, `blocklisted` and `blocklisted_at` from Campaign. Values go as they are: the
/// writer judges them (a flag that is not a boolean is its reject, not a silent drop).
enum OptOutEnvelopes {
    static let entity = "contact"
    /// Campaign's field names on the topic, whatever the table's columns are called.
    static let campaignFlag = "blocklisted"
    static let campaignTime = "blocklisted_at"

    static func fromCRM(_ record: CRMRecord, system: Envelope.System, field: String) -> Envelope {
        Envelope(
            op: .upsert, system: system, entity: entity, id: record.id, modifiedAt: record.modifiedAt,
            fields: [field: record.fields[field] ?? .null])
    }

    static func fromCampaign(_ change: BlocklistChange, now: Date) -> Envelope {
        Envelope(
            op: .upsert, system: .campaign, entity: entity, id: change.crmID, modifiedAt: change.blocklistedAt ?? now,
            fields: [
                campaignFlag: .bool(change.blocklisted),
                campaignTime: change.blocklistedAt.map { .string(DateTimeText(utc: $0).utcString) } ?? .null,
            ])
    }

    static func send(_ envelopes: [Envelope], topic: String, producer: KafkaProducer, configVersion: Int) async throws {
        guard !envelopes.isEmpty else { return }
        let headers = [
            KafkaHeader(name: EnvelopeHeaders.configVersion, value: String(configVersion)),
            KafkaHeader(name: EnvelopeHeaders.traceID, value: UUID().uuidString.lowercased()),
        ]
        try await producer.send(envelopes.map { envelope in
            KafkaRecord(topic: topic, key: Array(envelope.id.utf8), value: envelope.encoded(), headers: headers)
        })
    }
}
