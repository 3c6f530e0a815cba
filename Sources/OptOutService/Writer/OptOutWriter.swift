import CRMConnectors
import Campaign
import Config
import Foundation
import HTTPBridge
import KafkaBridge
import Logging
import PostgresBridge
import WorkflowRuntime

/// The writer role of opt-in-out. Any number of processes share the group
/// `crmbridge.opt-in-out.writer` over the topics the mode enables: from-crm changes go
/// to Campaign (`CampaignApplier`), from-campaign changes to the CRM (`CRMApplier`).
/// A poll's offsets are committed only after both targets have its changes and its
/// rejects are recorded, so a crash re-delivers the poll; every write is decided by the
/// conflict rule against the target's current state, so applying again is harmless.
struct OptOutWriter: Sendable {
    let base: CRMBridgeConfig
    let logger: Logger
    var maxMessages = 2000
    var pollTimeout: Duration = .milliseconds(200)

    func run(_ run: RoleRun) async throws {
        let settings = try OptOutSettings(run, base: base)
        let topics = settings.writerTopics
        guard !topics.isEmpty else {
            await IdleRole.wait(run, logger: logger, reason: "mode \(settings.config.mode.rawValue)")
            return
        }
        let config = settings.config
        let table = try settings.blocklistTable()
        let connections = base.connections
        let kafka = connections.kafkaConfiguration(clientID: "crmbridge-optout-writer")
        try await OptOutTopics.create(kafka: kafka, partitions: connections.kafka.topicPartitions, logger: logger)
        try await PostgresConnection.withConnection(url: connections.campaign.databaseURL, logger: logger) { database in
            try await OptOutBridgeTables.prepare(on: database)
            if settings.fromCRM {
                do {
                    try await table.checkSchema(on: database)
                } catch let mismatch as CampaignSchemaMismatch {
                    throw RoleFailure(mismatch.message)
                }
            }
            try await HTTPClient.withClient(logger: logger) { http in
                try await KafkaConsumer.withConsumer(configuration: kafka, groupID: Topics.writerGroup(.optInOut), logger: logger) { consumer in
                    try await KafkaProducer.withProducer(configuration: kafka, logger: logger) { rejectsProducer in
                        let stamp = CRMWriteStamp(kind: connections.crm.kind)
                        let campaign = CampaignApplier(writer: BlocklistWriter(table: table), database: database)
                        let crm = CRMApplier(
                            connector: connections.crm.makeSourceConnector(
                                http: http, logger: logger, onRetry: { notice in if !notice.isHoldingBack { run.counters.retried() } }),
                            writer: connections.crm.makeFlagWriter(
                                object: config.crmObject, field: config.crmField, http: http, logger: logger,
                                returning: stamp.query(config),
                                onRetry: { notice in
                                    // As campaign-to-crm: a retry is counted and shown in the status until
                                    // a CRM write succeeds; a hold-back for the allocation is a wait.
                                    if !notice.isHoldingBack { run.counters.retried() }
                                    run.setWarning(notice.description)
                                }),
                            ledger: OptOutEchoLedger(database: database), stamp: stamp, query: stamp.query(config), field: config.crmField)
                        let rejects = RejectRecorder(database: database, producer: rejectsProducer, run: run, logger: logger)
                        try await consumer.subscribe(topics: topics)
                        run.markRunning()
                        while !Task.isCancelled {
                            let messages = try await consumer.poll(maxMessages: maxMessages, timeout: pollTimeout)
                            run.health.connected(.kafka)
                            guard !messages.isEmpty else { continue }
                            try await apply(messages, field: config.crmField, campaign: campaign, crm: crm, rejects: rejects, run: run)
                            try await consumer.commit(Self.offsets(messages))
                            run.counters.batch()
                        }
                    }
                }
            }
        }
    }

    private func apply(
        _ messages: [KafkaMessage], field: String, campaign: CampaignApplier, crm: CRMApplier, rejects: RejectRecorder, run: RoleRun
    ) async throws {
        var fromCRM: [OptOutChange] = []
        var fromCampaign: [OptOutChange] = []
        var refused: [RejectStore.Reject] = []
        for message in messages {
            let parsed = message.topic == Topics.optOutFromCRM
                ? OptOutChange.fromCRM(message, field: field) : OptOutChange.fromCampaign(message)
            switch parsed {
            case .success(let change):
                if message.topic == Topics.optOutFromCRM { fromCRM.append(change) } else { fromCampaign.append(change) }
            case .failure(let problem):
                refused.append(OptOutChange.reject(OptOutChange.origin(message), id: problem.id, symbol: problem.symbol, problem.message))
            }
        }
        if !fromCRM.isEmpty {
            let result = try await campaign.apply(fromCRM)
            run.counters.written(result.applied, entity: "from-crm")
            refused += result.rejects
        }
        if !fromCampaign.isEmpty {
            let result = try await crm.apply(fromCampaign)
            run.health.connected(.crm)
            run.setWarning(nil)
            run.counters.written(result.written, entity: "from-campaign")
            refused += result.rejects
        }
        try await rejects.record(refused)
    }

    /// The last change of each contact, in first-seen order: one CRM call or statement
    /// must not name a record twice, and the later message is the newer state.
    static func lastPerContact(_ changes: [OptOutChange]) -> [OptOutChange] {
        var position: [String: Int] = [:]
        var result: [OptOutChange] = []
        for change in changes {
            if let at = position[change.crmID] {
                result[at] = change
            } else {
                position[change.crmID] = result.count
                result.append(change)
            }
        }
        return result
    }

    static func offsets(_ messages: [KafkaMessage]) -> [KafkaTopicPartitionOffset] {
        var next: [KafkaTopicPartition: Int64] = [:]
        for message in messages {
            let partition = KafkaTopicPartition(topic: message.topic, partition: message.partition)
            next[partition] = max(next[partition] ?? 0, message.offset + 1)
        }
        return next.map { KafkaTopicPartitionOffset(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value) }
    }
}
