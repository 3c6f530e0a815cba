import Foundation
import Logging
import Shared

/// The writer role of crm-to-campaign. Any number of processes share the group
/// `crmbridge.crm-to-campaign.writer`; each batch is applied in one transaction and
/// its offsets are committed only after that transaction committed.
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
        let database = try await PostgresConnection.connect(url: connections.campaign.databaseURL.reveal(), logger: logger)
        let kafka = connections.kafkaConfiguration(clientID: "crmbridge-ingress-writer")
        var tables: [String: EntityTableWriter] = [:]
        do {
            for entity in workflow.entities {
                tables[entity.name] = try await EntityTableWriter.resolve(entity, database: database)
            }
        } catch {
            await database.close()
            throw error
        }
        try await IngressTopics.create(for: workflow, kafka: kafka, logger: logger)
        let consumer = try KafkaConsumer(configuration: kafka, groupID: Topics.writerGroup(.crmToCampaign), logger: logger)
        let rejectsProducer = try KafkaProducer(configuration: kafka, logger: logger)
        let applier = BatchApplier(tables: tables, database: database, rejectsProducer: rejectsProducer, run: run, logger: logger)

        do {
            try await consumer.subscribe(topics: IngressTopics.names(for: workflow))
            run.markRunning()
            var nextSchemaCheck = ContinuousClock.now + schemaCheckInterval
            while !Task.isCancelled {
                if ContinuousClock.now >= nextSchemaCheck {
                    // A mapped table or column dropped while idle shows as FAILED now,
                    // not at the next record.
                    for entity in workflow.entities {
                        _ = try await EntityTableWriter.resolve(entity, database: database)
                    }
                    nextSchemaCheck = ContinuousClock.now + schemaCheckInterval
                }
                let messages = try await consumer.poll(maxMessages: maxBatch, timeout: pollTimeout)
                guard !messages.isEmpty else { continue }
                let batch = WriterBatch(messages: messages, knownEntities: Set(tables.keys))
                try await applier.apply(batch)
                // The transaction committed: only now may Kafka forget these messages.
                _ = try await consumer.commit(batch.offsets)
            }
        } catch {
            await consumer.close()
            await rejectsProducer.close()
            await database.close()
            throw error
        }
        await consumer.close()
        await rejectsProducer.close()
        await database.close()
    }
}
