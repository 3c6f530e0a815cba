import CRMConnectors
import Config
import Foundation
import HTTPBridge
import KafkaBridge
import Logging
import PostgresBridge
import WorkflowRuntime

/// The writer role of campaign-to-crm. Any number of processes share the group
/// `crmbridge.campaign-to-crm.writer`. Each polled batch goes to the CRM in its batch
/// calls; its offsets are committed only after the CRM answered for every event and
/// the rejects are recorded, so a crash re-delivers the batch and the upserts by event
/// id make that harmless. A CRM that cannot be reached stops the batch uncommitted: the
/// supervisor retries with backoff, and nothing becomes a reject for it.
struct EgressWriter: Sendable {
    let base: CRMBridgeConfig
    let logger: Logger
    /// CRM calls per polled batch.
    var callsPerPoll = 4
    var pollTimeout: Duration = .milliseconds(200)

    func run(_ run: RoleRun) async throws {
        let workflow = try EgressConfig.campaignToCRM(run, base: base)
        let events = workflow.emailEvents
        guard events.enabled else {
            await IdleRole.wait(run, logger: logger, reason: "emailEvents.enabled is false")
            return
        }
        let connections = base.connections
        let kafka = connections.kafkaConfiguration(clientID: "crmbridge-egress-writer")
        try await EgressTopics.create(kafka: kafka, partitions: connections.kafka.topicPartitions, logger: logger)
        // Each part is closed on every path, also when setting up a later one throws.
        try await PostgresConnection.withConnection(url: connections.campaign.databaseURL, logger: logger) { database in
            try await HTTPClient.withClient(logger: logger) { http in
                try await KafkaConsumer.withConsumer(
                    configuration: kafka, groupID: Topics.writerGroup(.campaignToCRM), logger: logger,
                    connectivity: run.health.kafkaConnectivity("consumer")
                ) { consumer in
                    try await KafkaProducer.withProducer(
                        configuration: kafka, logger: logger, connectivity: run.health.kafkaConnectivity("rejects producer")
                    ) { rejectsProducer in
                        let crm = connections.crm.makeEmailEventWriter(http: http, logger: logger, batchSize: events.batchSize)
                        let rejects = EgressRejects(database: database, producer: rejectsProducer, run: run, logger: logger)
                        try await consumer.subscribe(topics: [Topics.emailEvents])
                        run.markRunning()
                        while !Task.isCancelled {
                            let messages = try await consumer.poll(maxMessages: crm.maxBatch * callsPerPoll, timeout: pollTimeout)
                            run.health.connected(.kafka)
                            guard !messages.isEmpty else { continue }
                            let batch = EmailEventBatch(messages: messages)
                            let refused = try await write(batch, to: crm, run: run)
                            try await rejects.record(batch.rejects + refused)
                            // Only now has the CRM answered for every record of the batch.
                            try await consumer.commit(batch.offsets)
                            run.counters.batch()
                        }
                    }
                }
            }
        }
    }

    /// Sends the batch's events in calls of at most `maxBatch`; answers the records the
    /// CRM refused, as rejects with its code and message.
    private func write(_ batch: EmailEventBatch, to crm: any CRMEmailEventWriter, run: RoleRun) async throws -> [RejectStore.Reject] {
        var refused: [RejectStore.Reject] = []
        var start = 0
        while start < batch.items.count {
            let chunk = batch.items[start..<min(start + crm.maxBatch, batch.items.count)]
            let outcomes = try await crm.upsert(chunk.map(\.event))
            run.health.connected(.crm)
            var written = 0
            for (item, outcome) in zip(chunk, outcomes) {
                switch outcome {
                case .written:
                    written += 1
                case .rejected(let code, let message):
                    refused.append(EmailEventBatch.reject(item.origin, id: item.event.eventID, symbol: code, message))
                }
            }
            run.counters.written(written, entity: "email-events")
            let now = Date()
            run.counters.latencies(chunk.map { max(0, now.timeIntervalSince($0.event.occurredAt)) }, entity: "email-events")
            start += chunk.count
        }
        return refused
    }
}
