import CRMConnectors
import CoreValues
import Foundation
import KafkaBridge

/// Turns CRM records into envelopes on the entity's topic, keyed by CRM id, and
/// publishes them idempotently once the backlog gate lets them through; `publish`
/// returns once the broker acknowledged all.
struct EnvelopePublisher: Sendable {
    let producer: KafkaProducer
    let backlog: BacklogGate
    let topic: String
    let system: Envelope.System
    let entity: String
    let configVersion: Int
    /// The publishing reader's instance id.
    let instance: String

    func publish(_ records: [CRMRecord], traceID: String) async throws {
        try await send(records.map { Envelope(op: .upsert, system: system, entity: entity, id: $0.id, modifiedAt: $0.modifiedAt, fields: $0.fields) }, traceID: traceID)
    }

    /// Deletes are explicit `op:"delete"` envelopes, not tombstones, so compaction keeps them.
    func publishDeletes(_ deletes: [(id: String, at: Date)], traceID: String) async throws {
        try await send(deletes.map { Envelope(op: .delete, system: system, entity: entity, id: $0.id, modifiedAt: $0.at) }, traceID: traceID)
    }

    private func send(_ envelopes: [Envelope], traceID: String) async throws {
        guard !envelopes.isEmpty else { return }
        try await backlog.admit(envelopes.count)
        let headers = [
            KafkaHeader(name: EnvelopeHeaders.configVersion, value: String(configVersion)),
            KafkaHeader(name: EnvelopeHeaders.traceID, value: traceID),
            KafkaHeader(name: EnvelopeHeaders.instance, value: instance),
        ]
        let records = envelopes.map { envelope in
            KafkaRecord(topic: topic, key: Array(envelope.id.utf8), value: envelope.encoded(), headers: headers)
        }
        try await producer.send(records)
    }
}
