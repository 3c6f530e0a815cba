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
        let database = try await PostgresConnection.connect(url: connections.campaign.databaseURL.reveal(), logger: logger)
        let http = HTTPClient(logger: logger)
        let consumer: KafkaConsumer
        let rejectsProducer: KafkaProducer
        do {
            consumer = try KafkaConsumer(configuration: kafka, groupID: Topics.writerGroup(.campaignToCRM), logger: logger)
            rejectsProducer = try KafkaProducer(configuration: kafka, logger: logger)
        } catch {
            await database.close()
            http.shutdown()
            throw error
        }
        let crm = connections.crm.makeEmailEventWriter(http: http, logger: logger, batchSize: events.batchSize)
        let rejects = EgressRejects(database: database, producer: rejectsProducer, run: run, logger: logger)
        do {
            try await consumer.subscribe(topics: [Topics.emailEvents])
            run.markRunning()
            while !Task.isCancelled {
                let messages = try await consumer.poll(maxMessages: crm.maxBatch * callsPerPoll, timeout: pollTimeout)
                guard !messages.isEmpty else { continue }
                let batch = EmailEventBatch(messages: messages)
                let refused = try await write(batch, to: crm, run: run)
                try await rejects.record(batch.rejects + refused)
                try await consumer.commit(batch.offsets)
            }
        } catch {
            await Self.finish(consumer, rejectsProducer, database, http)
            throw error
        }
        await Self.finish(consumer, rejectsProducer, database, http)
    }

    /// Sends the batch's events in calls of at most `maxBatch`; answers the records the
    /// CRM refused, as rejects with its code and message.
    private func write(_ batch: EmailEventBatch, to crm: any CRMEmailEventWriter, run: RoleRun) async throws -> [RejectStore.Reject] {
        var refused: [RejectStore.Reject] = []
        var start = 0
        while start < batch.items.count {
            let chunk = batch.items[start..<min(start + crm.maxBatch, batch.items.count)]
            let outcomes = try await crm.upsert(chunk.map(\.event))
            var written = 0
            for (item, outcome) in zip(chunk, outcomes) {
                switch outcome {
                case .written:
                    written += 1
                case .rejected(let code, let message):
                    refused.append(EmailEventBatch.reject(item.origin, id: item.event.eventID, symbol: code, message))
                }
            }
            run.counters.written(written)
            let now = Date()
            let latency = chunk.reduce(0.0) { $0 + max(0, now.timeIntervalSince($1.event.occurredAt)) }
            if written > 0 { run.counters.latency(seconds: latency, count: chunk.count) }
            start += chunk.count
        }
        return refused
    }

    private static func finish(_ consumer: KafkaConsumer, _ producer: KafkaProducer, _ database: PostgresConnection, _ http: HTTPClient) async {
        await consumer.close()
        await producer.close()
        await database.close()
        http.shutdown()
    }
}
