import Campaign
import Config
import CoreValues
import Foundation
import KafkaBridge
import Logging
import PostgresBridge
import WorkflowRuntime

/// The Campaign reader role of opt-in-out: one active instance (advisory lock) reads the
/// settled opt-out changes of the profiles table (`BlocklistSource`, never past a
/// transaction in flight) and publishes them to `crmbridge.opt-in-out.from-campaign`,
/// except the rows opt-in-out's own writer wrote (no echo). Its cursor option
/// `LASTEXPORT_<instance>_opt-in-out_from-campaign` moves only after the broker
/// acknowledged the page.
struct CampaignChangeReader: Sendable {
    let base: CRMBridgeConfig
    let logger: Logger
    var pageSize = 5000

    static let lockName = "crmbridge/opt-in-out/campaign-reader"

    func run(_ run: RoleRun) async throws {
        let settings = try OptOutSettings(run, base: base)
        guard settings.fromCampaign else {
            await IdleRole.wait(run, logger: logger, reason: "mode \(settings.config.mode.rawValue) reads nothing from Campaign")
            return
        }
        let table = try settings.blocklistTable()
        let connections = base.connections
        let databaseURL = connections.campaign.databaseURL
        let kafka = connections.kafkaConfiguration(clientID: "crmbridge-optout-campaign-reader")
        let lock = ActiveInstanceLock.Configuration(name: Self.lockName, databaseURL: databaseURL)
        try await ActiveInstanceLock.withLock(lock, logger: logger, onStandby: { run.markStandby() }) { lease in
            try await PostgresConnection.withConnection(url: databaseURL, logger: logger) { database in
                try await KafkaProducer.withProducer(configuration: kafka, logger: logger) { producer in
                    await lease.whenLost { await producer.close(timeout: .zero) }
                    try await OptOutTopics.create(kafka: kafka, partitions: connections.kafka.topicPartitions, logger: logger)
                    run.health.connected(.kafka)
                    try await OptOutBridgeTables.prepare(on: database)
                    do {
                        try await table.checkSchema(on: database)
                    } catch let mismatch as CampaignSchemaMismatch {
                        throw RoleFailure(mismatch.message)
                    }
                    run.markRunning()
                    try await alignOnFirstStart(BlocklistAlignment(table: table), database: database, run: run)
                    try await loop(BlocklistSource(table: table), interval: settings.config.interval, database: database, producer: producer, run: run)
                }
            }
        }
    }

    /// The Campaign side of the initial alignment (docs/opt-in-out.md): on the very first
    /// start (no cursor option yet) the profiles that hold an opt-out of their own but were
    /// never stamped (set before the stamp DDL ran) are stamped, a batch per transaction,
    /// so the loop reads and publishes them like any change. Unset profiles (flag false,
    /// no time) are left alone: they have no opinion to send, and the CRM's value reaches
    /// them through the CRM side's alignment.
    private func alignOnFirstStart(_ alignment: BlocklistAlignment, database: PostgresConnection, run: RoleRun) async throws {
        let options = OptionStore(database: database)
        let optionName = BlocklistCursor.optionName(instance: base.instance)
        guard try await options.get(optionName) == nil else { return }
        var stamped = 0
        while true {
            try Task.checkCancellation()
            let batch = try await alignment.stampUnread(limit: 10_000, on: database)
            stamped += batch
            guard batch > 0 else { break }
            run.setDetail("alignment", "\(stamped) profiles with an opt-out of their own to publish")
        }
        // From the first stamped row: a restart finds the option and does not align again.
        try await options.set(optionName, BlocklistCursor.start.description)
        run.setDetail("alignment", "\(stamped) profiles with an opt-out of their own to publish")
        logger.notice("first start: Campaign's own opt-outs queued for publication", metadata: ["profiles": "\(stamped)"])
    }

    private func loop(
        _ source: BlocklistSource, interval: Duration, database: PostgresConnection, producer: KafkaProducer, run: RoleRun
    ) async throws {
        let options = OptionStore(database: database)
        let optionName = BlocklistCursor.optionName(instance: base.instance)
        while !Task.isCancelled {
            let cursor: BlocklistCursor
            if let text = try await options.get(optionName) {
                switch BlocklistCursor.parse(text) {
                case .success(let parsed): cursor = parsed
                case .failure(let error): throw RoleFailure("option \(optionName): \(error.message)")
                }
            } else {
                cursor = .start
            }
            let page = try await source.read(after: cursor, limit: pageSize, on: database)
            run.setDetail("fromCampaign.cursor", cursor.description)
            if let last = page.changes.last {
                let now = Date()
                let changes = page.changes.filter { !$0.writtenBySync }
                try await OptOutEnvelopes.send(
                    changes.map { OptOutEnvelopes.fromCampaign($0, now: now) }, topic: Topics.optOutFromCampaign,
                    producer: producer, configVersion: run.configVersion)
                run.health.connected(.kafka)
                try await options.set(optionName, last.cursor.description)
                run.counters.read(page.changes.count, entity: "from-campaign")
                run.counters.published(changes.count, entity: "from-campaign")
                logger.info("Campaign opt-out changes published", metadata: [
                    "read": "\(page.changes.count)", "published": "\(changes.count)", "cursor": "\(last.cursor)"])
            }
            if page.changes.count < pageSize {
                try? await Task.sleep(for: interval)
            }
        }
    }
}
