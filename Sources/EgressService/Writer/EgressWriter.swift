import CRMConnectors
import Config
import Foundation
import HTTPBridge
import KafkaBridge
import Logging
import PostgresBridge
import WorkflowRuntime

/// The writer role of campaign-to-crm. Any number of processes share the group
/// `crmbridge.campaign-to-crm.writer`, over the email-events topic and each export's.
/// Each polled batch goes to the CRM in its batch calls, up to `writesInFlight` polls at
/// once; a poll's offsets are committed only after the CRM answered for every event of
/// it and of every older poll and the rejects are recorded, so a crash re-delivers what
/// is not committed and the upserts by event id make that harmless. A CRM that cannot be reached stops the batch uncommitted: the
/// supervisor retries with backoff, and nothing becomes a reject for it. A whole call the
/// CRM refuses for good (`CRMCallFailure`) turns the workflow FAILED naming the cause.
/// Retries inside a call are counted (`crmbridge_retries_total`) and their reason shows
/// in the status while they last.
struct EgressWriter: Sendable {
    let base: CRMBridgeConfig
    let logger: Logger
    /// Polls (each one CRM write of up to `maxBatch` records, itself several calls at once)
    /// in flight at once: the next polls' calls go out while the oldest one's answers are
    /// awaited and its offsets committed, so the CRM always has calls to work on (a loop of
    /// poll, write, commit left it idle between writes: egress end to end at 0.55 of a
    /// plain client's rate). Four: the events held stay what four writes per poll held
    /// before (16,000 for Dynamics), and the budget limiter decides how many calls are
    /// really in flight (docs/performance.md, "Egress end to end").
    var writesInFlight = 4
    /// Fetched messages librdkafka keeps ready ahead of `poll` (`queued.max.messages.kbytes`,
    /// unless `connections.kafka.properties` sets it). The CRM, not Kafka, limits this
    /// writer (thousands of records/s, where the crm-to-campaign writer needs 32 MiB for
    /// ~90,000/s), so 8 MiB, about 18,000 email events, keeps it busy for seconds.
    static let prefetchBytes = 8 * 1024 * 1024
    var pollTimeout: Duration = .milliseconds(200)
    /// Times a call is sent again while the CRM stays unavailable, and the first pause
    /// (doubling, at most 30 s): about 95 s in all, within Kafka's 5-minute poll interval.
    var callRounds = 5
    var roundPause: Duration = .seconds(5)

    func run(_ run: RoleRun) async throws {
        let workflow = try EgressConfig.campaignToCRM(run, base: base)
        let events = workflow.emailEvents
        let plans = ExportPlan.all(workflow)
        guard events.enabled || !plans.isEmpty else {
            await IdleRole.wait(run, logger: logger, reason: "emailEvents.enabled is false and no export or delete is configured")
            return
        }
        let connections = base.connections
        var kafka = connections.kafkaConfiguration(clientID: "crmbridge-egress-writer")
        kafka.consumerPrefetchBytes = Self.prefetchBytes
        try await EgressTopics.create(kafka: kafka, partitions: connections.kafka.topicPartitions, exports: plans.map(\.topic), logger: logger)
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
                        // Every retry is counted and its reason shown in the status until a call succeeds.
                        let onRetry: CRMRetryObserver = { notice in
                            // Held back for the daily allocation is a wait, not a retry.
                            if !notice.isHoldingBack { run.counters.retried() }
                            run.setWarning(notice.description)
                        }
                        let crm = connections.crm.makeEmailEventWriter(
                            http: http, logger: logger, batchSize: events.batchSize, onRetry: onRetry)
                        var exports: [String: (plan: ExportPlan, writer: any CRMExportWriter)] = [:]
                        for plan in plans {
                            exports[plan.topic] = (plan, connections.crm.makeExportWriter(
                                plan.target, http: http, logger: logger, batchSize: plan.batchSize, onRetry: onRetry))
                        }
                        let rejects = RejectRecorder(database: database, producer: rejectsProducer, run: run, logger: logger)
                        try await consumer.subscribe(topics: (events.enabled ? [Topics.emailEvents] : []) + plans.map(\.topic))
                        run.markRunning()
                        let pollSize = max(crm.maxBatch, exports.values.map { $0.writer.maxBatch }.max() ?? 0)
                        try await consume(run: run, consumer: consumer, rejects: rejects, pollSize: pollSize) { messages in
                            EgressPoll(messages: messages, exports: exports)
                        } write: { poll in
                            try await self.write(poll, crm: crm, run: run)
                        }
                    }
                }
            }
        }
    }

    /// The pipeline: up to `writesInFlight` polls have their CRM calls in flight while the
    /// oldest one's answers are awaited, its rejects recorded and its offsets committed,
    /// in poll order. Returns (or throws) only once no write of it runs any more: a poll
    /// written but not committed is delivered again, which the upserts make harmless.
    private func consume(
        run: RoleRun, consumer: KafkaConsumer, rejects: RejectRecorder, pollSize: Int,
        prepare: ([KafkaMessage]) -> EgressPoll, write: @escaping @Sendable (EgressPoll) async throws -> [RejectStore.Reject]
    ) async throws {
        var inFlight = WritesInFlight<Task<[RejectStore.Reject], any Error>>(limit: writesInFlight)
        /// Awaits the oldest poll's answers, records its rejects, commits its offsets.
        func settleOldest() async throws {
            guard let oldest = inFlight.removeOldest() else { return }
            let write = oldest.write
            let refused = try await withTaskCancellationHandler {
                try await write.value
            } onCancel: {
                write.cancel()
            }
            try await rejects.record(refused)
            // Only now has the CRM answered for every record of this poll and the ones before.
            try await consumer.commit(oldest.offsets)
            run.counters.batch()
        }
        do {
            while !Task.isCancelled {
                if !inFlight.isFull {
                    // With writes in flight, only what is already fetched: waiting here would
                    // delay the commit of the oldest.
                    let messages = try await consumer.poll(maxMessages: pollSize, timeout: inFlight.isEmpty ? pollTimeout : .zero)
                    run.health.connected(.kafka)
                    if !messages.isEmpty {
                        let poll = prepare(messages)
                        for _ in 0..<inFlight.mustSettle(before: poll.keys) { try await settleOldest() }
                        inFlight.add(Task { try await write(poll) }, keys: poll.keys, offsets: poll.offsets)
                        continue
                    }
                    if inFlight.isEmpty { continue }
                }
                try await settleOldest()
            }
        } catch {
            await Self.abandon(inFlight.removeAll())
            throw error
        }
        await Self.abandon(inFlight.removeAll())
    }

    /// Writes that will not be committed: cancelled and let end, so no call of the role
    /// outlives it. Their messages are delivered again.
    private static func abandon(_ entries: [WritesInFlight<Task<[RejectStore.Reject], any Error>>.Entry]) async {
        for entry in entries { entry.write.cancel() }
        for entry in entries { _ = try? await entry.write.value }
    }

    /// One poll to the CRM: its email events, then each export's records. Answers the
    /// rejects to record before its offsets are committed.
    private func write(_ poll: EgressPoll, crm: any CRMEmailEventWriter, run: RoleRun) async throws -> [RejectStore.Reject] {
        var refused: [RejectStore.Reject] = []
        if let batch = poll.emailEvents {
            refused += batch.rejects
            refused += try await write(batch, to: crm, run: run)
        }
        for (batch, writer) in poll.exports {
            refused += batch.rejects
            refused += try await write(batch, to: writer, run: run)
        }
        return refused
    }

    /// The offsets to commit after `messages`: the next one per partition.
    static func offsets(_ messages: [KafkaMessage]) -> [KafkaTopicPartitionOffset] {
        var next: [KafkaTopicPartition: Int64] = [:]
        for message in messages {
            let partition = KafkaTopicPartition(topic: message.topic, partition: message.partition)
            next[partition] = max(next[partition] ?? 0, message.offset + 1)
        }
        return next.map { KafkaTopicPartitionOffset(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value) }
    }

    /// Writes an export's records in calls of at most the writer's `maxBatch`; answers the
    /// records the CRM refused, as rejects with its code and message.
    private func write(_ batch: ExportBatch, to crm: any CRMExportWriter, run: RoleRun) async throws -> [RejectStore.Reject] {
        var refused: [RejectStore.Reject] = []
        var start = 0
        while start < batch.items.count {
            let chunk = batch.items[start..<min(start + crm.maxBatch, batch.items.count)]
            let outcomes = try await send(chunk.count, run: run) { try await crm.write(chunk.map(\.record)) }
            var written = 0
            for (item, outcome) in zip(chunk, outcomes) {
                switch outcome {
                case .written: written += 1
                case .rejected(let code, let message):
                    refused.append(ExportBatch.reject(batch.plan, item.origin, id: item.record.rowID, symbol: code, message))
                }
            }
            run.counters.written(written, entity: batch.plan.name)
            start += chunk.count
        }
        return refused
    }

    /// One call, sent again here while the CRM stays unavailable after the call's own
    /// retries (the batch waits uncommitted; the reason shows in the status), at most
    /// `callRounds` times, so the consumer keeps polling well within Kafka's poll interval;
    /// then the role throws and the supervisor restarts it. A call refused for good turns
    /// the workflow FAILED (`CRMCallFailure`).
    private func send(_ records: Int, run: RoleRun, _ call: () async throws -> [CRMWriteOutcome]) async throws -> [CRMWriteOutcome] {
        var round = 0
        while true {
            do {
                let outcomes = try await call()
                run.health.connected(.crm)
                run.setWarning(nil)
                return outcomes
            } catch let error as CRMError {
                run.health.disconnected(.crm, "\(error)")
                if let failure = CRMCallFailure.failure(error, records: records) { throw failure }
                round += 1
                guard round < callRounds else { throw error }
                let pause = min(roundPause * (1 << (round - 1)), .seconds(30))
                run.counters.error()
                run.setWarning("\(error); the batch waits uncommitted and is sent again in \(pause.components.seconds)s")
                logger.warning("CRM still unavailable after the call's retries; sending the batch again", metadata: [
                    "error": "\(error)", "round": "\(round)", "retryIn": "\(pause)"])
                try await Task.sleep(for: pause)
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
            let outcomes = try await send(chunk.count, run: run) { try await crm.upsert(chunk.map(\.event)) }
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
