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
    /// and a broker keeps and serves every producer batch as a unit. Five pages in one send
    /// make batches five times larger and five times fewer: fewer produce and fetch
    /// requests, better compression, and on the local broker, which finds a fetch's
    /// offset by walking a partition's batches from the first, a walk that no longer
    /// grows with the table (docs/performance.md, "Scale"). The memory it costs is the
    /// send being gathered (encoded envelopes of ~500 B and their ids) and librdkafka's
    /// copy of the send in flight, ~2 KB a record together: ~50 MB at 25,000 records.
    /// The send in flight is not held in Swift as well (`PublishBatchHandoff`). At 15
    /// million contacts (docs/performance.md, "The 15-million run"): four pages (20,000)
    /// kept the reader at 103 MB but the local broker's walk cost the slice ratio (0.68);
    /// six (30,000) read 119-129 MB in two runs and 144-155 MB in a third of the same
    /// reader code, too near the 150 MB a role may take; eight (40,000) 152-160 MB.
    /// Counted in pages, so a small page size or a slow CRM does not hold records back
    /// for long.
    static let pagesPerSend = 5
    static let maxRecordsPerSend = 25_000

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

    /// Waits for the backlog gate, then hands the records to the producer; returns once
    /// librdkafka holds them, with the broker's acknowledgement still to await. A caller
    /// that gives the records up (`consume`) holds no copy of them while the broker answers.
    func enqueue(_ records: [KafkaRecord]) async throws -> KafkaPendingSend {
        try await backlog.admit(records.count)
        return try await producer.enqueue(records)
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
