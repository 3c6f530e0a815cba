import CRMConnectors
import CoreValues
import Foundation
import KafkaBridge

/// Turns CRM records into envelopes on the entity's topic, keyed by CRM id, and
/// publishes them idempotently once the backlog gate lets them through; a send
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
    /// How many records a full load gathers into one send (`PublishBatch`).
    let recordsPerSend: Int

    /// Pages per send, and at most this many records.
    ///
    /// Why several pages go in one send: a keyed page spreads over every partition, so a
    /// send of one 5,000-record page gives each of 750 partitions a batch of ~7 records,
    /// and a broker keeps and serves every producer batch as a unit. Four pages in one
    /// send make batches four times larger and four times fewer: fewer produce and fetch
    /// requests, better compression, and on the local broker, which finds a fetch's
    /// offset by walking a partition's batches from the first, a walk that no longer
    /// grows with the table (docs/performance.md, "Scale"). The memory it costs is two
    /// sends of encoded envelopes (~500 B each): ~20 MB at most. Counted in pages, so a
    /// small page size or a slow CRM does not hold records back for long.
    static let pagesPerSend = 4
    static let maxRecordsPerSend = 20_000

    /// Records per send for pages of `pageSize`; under a backlog bound, a quarter of
    /// `maxBacklog` at most, so one send cannot carry the writers' backlog far past it.
    static func recordsPerSend(pageSize: Int, maxBacklog: Int) -> Int {
        let pages = min(maxRecordsPerSend, pagesPerSend * max(1, pageSize))
        return maxBacklog > 0 ? max(1, min(pages, maxBacklog / 4)) : pages
    }

    /// Deletes are explicit `op:"delete"` envelopes, not tombstones, so compaction keeps them.
    func publishDeletes(_ deletes: [(id: String, at: Date)], traceID: String) async throws {
        let envelopes = deletes.map { Envelope(op: .delete, system: system, entity: entity, id: $0.id, modifiedAt: $0.at) }
        try await send(kafkaRecords(envelopes, traceID: traceID))
    }

    /// The upsert envelopes of `records`, encoded, ready for `send`.
    func upserts(_ records: [CRMRecord], traceID: String) -> [KafkaRecord] {
        kafkaRecords(
            records.map { Envelope(op: .upsert, system: system, entity: entity, id: $0.id, modifiedAt: $0.modifiedAt, fields: $0.fields) },
            traceID: traceID)
    }

    /// Waits for the backlog gate, then sends; returns once the broker acknowledged all.
    func send(_ records: [KafkaRecord]) async throws {
        guard !records.isEmpty else { return }
        try await backlog.admit(records.count)
        try await producer.send(records)
    }

    private func kafkaRecords(_ envelopes: [Envelope], traceID: String) -> [KafkaRecord] {
        let headers = [
            KafkaHeader(name: EnvelopeHeaders.configVersion, value: String(configVersion)),
            KafkaHeader(name: EnvelopeHeaders.traceID, value: traceID),
            KafkaHeader(name: EnvelopeHeaders.instance, value: instance),
        ]
        return envelopes.map { envelope in
            KafkaRecord(topic: topic, key: Array(envelope.id.utf8), value: envelope.encoded(), headers: headers)
        }
    }
}
