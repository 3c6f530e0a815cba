import Campaign
import Config
import Foundation
import KafkaBridge
import Logging
import PostgresBridge
import WorkflowRuntime

/// The writer role of crm-to-campaign. Any number of processes share the group
/// `crmbridge.crm-to-campaign.writer`; each batch is applied in one transaction and
/// its offsets are committed only after that transaction committed.
///
/// Stages overlap: while PostgreSQL applies batch n, batch n+1 is polled, decoded and
/// mapped to its statement parameters, and batch n-1's offsets are committed to Kafka.
/// Batches are still applied one after the other, and committed in order.
struct IngressWriter: Sendable {
    let base: CRMBridgeConfig
    let logger: Logger
    var maxBatch = 5000
    /// Fetched messages librdkafka keeps ready ahead of `poll` (`queued.max.messages.kbytes`,
    /// unless `connections.kafka.properties` sets it). 8 MiB, not the consumers' 32: the
    /// writer's memory is mostly its prefetch when a whole topic is behind it (a replay, a
    /// first load), and a role may take 150 MB. It used to have to hold a second of the
    /// writer's work, since librdkafka 2.0 refetches a full queue only when its broker
    /// thread wakes, up to a second later; the consumer's `KafkaFetchNudge` wakes it, so a
    /// prefetch now only covers a fetch's round trip. At 1,000,000 records 8 MiB applies
    /// as fast as 16 (85,170 against 86,815 records/s steady, writer alone) with a writer
    /// of 84 MB against 102; at 15 million with lz4 the 16 MiB writer, nudged, peaked at
    /// 158 MB (docs/performance.md, "Writer alone" and "The 15-million run").
    static let prefetchBytes = 8 * 1024 * 1024
    var pollTimeout: Duration = .milliseconds(100)
    /// How often the mapped tables and columns are checked against Campaign while running.
    var schemaCheckInterval: Duration = .seconds(5)

    func run(_ run: RoleRun) async throws {
        let workflow = try IngressConfig.crmToCampaign(run, base: base)
        let connections = base.connections
        var kafka = connections.kafkaConfiguration(clientID: "crmbridge-ingress-writer")
        kafka.consumerPrefetchBytes = Self.prefetchBytes
        // Each part is closed on every path, also when setting up a later one throws.
        try await PostgresConnection.withConnection(url: connections.campaign.databaseURL, logger: logger) { database in
            var tables: [String: EntityTableWriter] = [:]
            for entity in workflow.entities {
                tables[entity.name] = try await Self.resolveTable(entity, database: database)
            }
            try await IngressTopics.create(for: workflow, kafka: kafka, partitions: connections.kafka.topicPartitions, logger: logger)
            try await KafkaConsumer.withConsumer(
                configuration: kafka, groupID: Topics.writerGroup(.crmToCampaign), logger: logger,
                connectivity: run.health.kafkaConnectivity("consumer")
            ) { consumer in
                try await KafkaProducer.withProducer(
                    configuration: kafka, logger: logger, connectivity: run.health.kafkaConnectivity("rejects producer")
                ) { rejectsProducer in
                    let applier = BatchApplier(database: database, rejectsProducer: rejectsProducer, run: run, logger: logger)
                    try await consume(workflow, run: run, tables: tables, database: database, consumer: consumer, applier: applier)
                }
            }
        }
    }

    /// The pipeline: stage one (poll, decode, map) of batch n+1 runs while batch n is
    /// applied, and batch n's offsets are committed while batch n+1 is applied. Returns (or
    /// throws) only once no stage runs any more.
    private func consume(
        _ workflow: CRMToCampaignConfig, run: RoleRun, tables: [String: EntityTableWriter], database: PostgresConnection,
        consumer: KafkaConsumer, applier: BatchApplier
    ) async throws {
        let (maxBatch, pollTimeout) = (maxBatch, pollTimeout)
        /// Stage one: poll, decode, map. Nil when nothing came within the poll timeout.
        let prepareNext: @Sendable () async throws -> PreparedBatch? = {
            let messages = try await consumer.poll(maxMessages: maxBatch, timeout: pollTimeout)
            guard !messages.isEmpty else { return nil }
            return PreparedBatch(WriterBatch(messages: messages, knownEntities: Set(tables.keys)), tables: tables)
        }

        var next: Task<PreparedBatch?, any Error>?
        var pendingCommit: Task<Void, any Error>?
        do {
            try await consumer.subscribe(topics: IngressTopics.names(for: workflow))
            run.markRunning()
            var nextSchemaCheck = ContinuousClock.now + schemaCheckInterval
            next = Task(operation: prepareNext)
            while !Task.isCancelled {
                if ContinuousClock.now >= nextSchemaCheck {
                    // A mapped table or column dropped while idle shows as FAILED now,
                    // not at the next record.
                    for entity in workflow.entities {
                        _ = try await Self.resolveTable(entity, database: database)
                    }
                    nextSchemaCheck = ContinuousClock.now + schemaCheckInterval
                }
                let batch = try await next!.value
                // Stage two for this batch runs while stage one prepares the next.
                next = Task(operation: prepareNext)
                guard let batch else { continue }
                try await applier.apply(batch)
                // The transaction committed: only now may Kafka forget these messages. The
                // commit runs while the next batch is applied; one at a time, so in order.
                try await pendingCommit?.value
                let offsets = batch.offsets
                pendingCommit = Task { _ = try await consumer.commit(offsets) }
            }
            try await pendingCommit?.value
        } catch {
            await Self.settle(next, pendingCommit)
            throw error
        }
        await Self.settle(next, nil)
    }

    /// A batch prepared but not applied is dropped: its offsets were never committed,
    /// so its messages are delivered again to whoever owns their partitions next. A
    /// commit in flight is let finish: its batch is in Campaign.
    private static func settle(_ next: Task<PreparedBatch?, any Error>?, _ pendingCommit: Task<Void, any Error>?) async {
        next?.cancel()
        _ = try? await next?.value
        _ = try? await pendingCommit?.value
    }

    /// The entity's table as Campaign has it; a mismatch only an operator can fix
    /// fails the workflow, naming the table and column.
    private static func resolveTable(_ entity: EntityConfig, database: PostgresConnection) async throws -> EntityTableWriter {
        do {
            return try await EntityTableWriter.resolve(entity, database: database)
        } catch let mismatch as CampaignSchemaMismatch {
            throw RoleFailure(mismatch.message)
        }
    }
}
