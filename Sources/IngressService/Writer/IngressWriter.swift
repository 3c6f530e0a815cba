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
    var pollTimeout: Duration = .milliseconds(100)
    /// How often the mapped tables and columns are checked against Campaign while running.
    var schemaCheckInterval: Duration = .seconds(5)

    func run(_ run: RoleRun) async throws {
        let workflow = try IngressConfig.crmToCampaign(run, base: base)
        let connections = base.connections
        let database = try await PostgresConnection.connect(url: connections.campaign.databaseURL, logger: logger)
        let kafka = connections.kafkaConfiguration(clientID: "crmbridge-ingress-writer")
        var tables: [String: EntityTableWriter] = [:]
        do {
            for entity in workflow.entities {
                tables[entity.name] = try await Self.resolveTable(entity, database: database)
            }
        } catch {
            await database.close()
            throw error
        }
        try await IngressTopics.create(for: workflow, kafka: kafka, partitions: connections.kafka.topicPartitions, logger: logger)
        let consumer = try KafkaConsumer(configuration: kafka, groupID: Topics.writerGroup(.crmToCampaign), logger: logger)
        let rejectsProducer = try KafkaProducer(configuration: kafka, logger: logger)
        let applier = BatchApplier(database: database, rejectsProducer: rejectsProducer, run: run, logger: logger)
        let (maxBatch, pollTimeout) = (maxBatch, pollTimeout)
        let knownTables = tables
        /// Stage one: poll, decode, map. Nil when nothing came within the poll timeout.
        let prepareNext: @Sendable () async throws -> PreparedBatch? = {
            let messages = try await consumer.poll(maxMessages: maxBatch, timeout: pollTimeout)
            guard !messages.isEmpty else { return nil }
            return PreparedBatch(WriterBatch(messages: messages, knownEntities: Set(knownTables.keys)), tables: knownTables)
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
            await Self.finish(next, pendingCommit, consumer, rejectsProducer, database)
            throw error
        }
        await Self.finish(next, nil, consumer, rejectsProducer, database)
    }

    /// A batch prepared but not applied is dropped: its offsets were never committed,
    /// so its messages are delivered again to whoever owns their partitions next. A
    /// commit in flight is let finish: its batch is in Campaign.
    private static func finish(
        _ next: Task<PreparedBatch?, any Error>?, _ pendingCommit: Task<Void, any Error>?, _ consumer: KafkaConsumer,
        _ rejectsProducer: KafkaProducer, _ database: PostgresConnection
    ) async {
        next?.cancel()
        _ = try? await next?.value
        _ = try? await pendingCommit?.value
        await consumer.close()
        await rejectsProducer.close()
        await database.close()
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
