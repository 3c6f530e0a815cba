import CRMConnectors
import Campaign
import Config
import CoreValues
import Foundation
import HTTPBridge
import KafkaBridge
import Logging
import PostgresBridge
import WorkflowRuntime

/// The CRM reader role of opt-in-out: one active instance (advisory lock) reads, every
/// `interval`, the contacts modified in `[LASTIMPORT − lookBack, now)` with the
/// crm-to-campaign source connector, and publishes their opt-out field to
/// `crmbridge.opt-in-out.from-crm`, except:
///
/// - what opt-in-out itself wrote into the CRM (`OptOutEchoLedger`: same value, same
///   last-modified time, same write stamp, `CRMWriteStamp`): no echo;
/// - a state this process already saw (the look-back reads a change again; re-sending
///   it would be harmless, only wasteful).
///
/// It also publishes again, on request of the writer, the contacts whose CRM value won
/// over a Campaign change (`OptOutEchoLedger.askRepublish`).
///
/// The option `LASTIMPORT_<instance>_opt-in-out_contact` moves only after the broker
/// acknowledged every envelope of the window. Without it (the very first start) the reader
/// first aligns Campaign with every contact's current flag (`CRMInitialAlignment`).
struct CRMChangeReader: Sendable {
    let base: CRMBridgeConfig
    let logger: Logger

    static let lockName = "crmbridge/opt-in-out/crm-reader"

    func run(_ run: RoleRun) async throws {
        let settings = try OptOutSettings(run, base: base)
        guard settings.fromCRM else {
            await IdleRole.wait(run, logger: logger, reason: "mode \(settings.config.mode.rawValue) reads nothing from the CRM")
            return
        }
        let connections = base.connections
        let databaseURL = connections.campaign.databaseURL
        let kafka = connections.kafkaConfiguration(clientID: "crmbridge-optout-crm-reader")
        let lock = ActiveInstanceLock.Configuration(name: Self.lockName, databaseURL: databaseURL)
        try await ActiveInstanceLock.withLock(lock, logger: logger, onStandby: { run.markStandby() }) { lease in
            try await PostgresConnection.withConnection(url: databaseURL, logger: logger) { database in
                try await HTTPClient.withClient(logger: logger) { http in
                    try await KafkaProducer.withProducer(configuration: kafka, logger: logger) { producer in
                        await lease.whenLost { await producer.close(timeout: .zero) }
                        try await OptOutTopics.create(kafka: kafka, partitions: connections.kafka.topicPartitions, logger: logger)
                        run.health.connected(.kafka)
                        try await OptOutBridgeTables.prepare(on: database)
                        let connector = connections.crm.makeSourceConnector(
                            http: http, logger: logger, onRetry: { notice in if !notice.isHoldingBack { run.counters.retried() } })
                        run.markRunning()
                        try await alignOnFirstStart(settings, connector: connector, database: database, producer: producer, run: run)
                        try await loop(settings.config, connector: connector, database: database, producer: producer, run: run)
                    }
                }
            }
        }
    }

    private func loop(
        _ config: OptInOutConfig, connector: any CRMSourceConnector, database: PostgresConnection,
        producer: KafkaProducer, run: RoleRun
    ) async throws {
        let options = OptionStore(database: database)
        let ledger = OptOutEchoLedger(database: database)
        let optionName = LastImportOption.name(instance: base.instance, workflow: .optInOut, entity: OptOutEnvelopes.entity)
        guard let system = Envelope.System(rawValue: connector.system) else {
            throw RoleFailure("unknown CRM system \(connector.system)")
        }
        let stamp = CRMWriteStamp(kind: base.connections.crm.kind)
        let query = stamp.query(config)
        var seen: [String: SeenState] = [:]
        while !Task.isCancelled {
            let now = Date()
            let start: Date
            if let text = try await options.get(optionName) {
                switch LastImportOption.parse(text) {
                case .success(let date): start = date.addingTimeInterval(-config.lookBack.seconds)
                case .failure(let error): throw RoleFailure("option \(optionName): \(error.message)")
                }
            } else {
                start = now.addingTimeInterval(-config.lookBack.seconds)
            }
            let end = Date(timeIntervalSince1970: (now.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
            let window = ModifiedWindow(start: min(start, end), end: end)
            var read = 0
            var sent = 0
            for try await page in connector.pages(query, modifiedIn: window) {
                run.health.connected(.crm)
                read += page.count
                let ours = try await ledger.entries(page.map(\.id))
                var fresh: [CRMRecord] = []
                for record in page {
                    let value = record.fields[config.crmField] ?? .null
                    // Every state seen is remembered, ours too: a later state equal to an
                    // earlier one (flipped back within a second) is then still new.
                    let state = SeenState(value: value, at: record.modifiedAt, stamp: stamp.of(record))
                    if seen.updateValue(state, forKey: record.id) == state { continue }
                    if case .bool(let flag) = value, let entry = ours[record.id],
                       entry.matches(value: flag, modifiedAt: record.modifiedAt, stamp: state.stamp) {
                        continue
                    }
                    fresh.append(record)
                }
                try await OptOutEnvelopes.send(
                    fresh.map { OptOutEnvelopes.fromCRM($0, system: system, field: config.crmField) },
                    topic: Topics.optOutFromCRM, producer: producer, configVersion: run.configVersion)
                run.health.connected(.kafka)
                if seen.count > 100_000 { seen.removeAll() }
                sent += fresh.count
            }
            // Every record of the window is acknowledged by the broker: only now may the option pass it.
            try await options.set(optionName, LastImportOption.format(window.end))
            // Contacts whose CRM value won over a Campaign change: their current value once
            // more, from this one publisher, so it is ordered after every earlier state.
            let asked = try await ledger.republishRequests()
            if let readAt = asked.readAt, !asked.ids.isEmpty {
                for try await page in connector.records(ids: asked.ids, query: query) {
                    for record in page {
                        seen[record.id] = SeenState(value: record.fields[config.crmField] ?? .null, at: record.modifiedAt, stamp: stamp.of(record))
                    }
                    try await OptOutEnvelopes.send(
                        page.map { OptOutEnvelopes.fromCRM($0, system: system, field: config.crmField) },
                        topic: Topics.optOutFromCRM, producer: producer, configVersion: run.configVersion)
                    sent += page.count
                }
                try await ledger.clearRepublish(asked.ids, readAt: readAt)
            }
            run.counters.read(read, entity: "from-crm")
            run.counters.published(sent, entity: "from-crm")
            run.setDetail("fromCRM.window", window.description)
            if sent > 0 {
                logger.info("CRM opt-out changes published", metadata: ["read": "\(read)", "published": "\(sent)", "window": "\(window)"])
            }
            try? await Task.sleep(for: config.interval)
        }
    }
}

/// A contact's state as the reader last saw it: a state read again by the look-back is
/// not new; the same value and second with another write stamp is.
private struct SeenState: Equatable {
    var value: FieldValue
    var at: Date
    var stamp: String?
}
