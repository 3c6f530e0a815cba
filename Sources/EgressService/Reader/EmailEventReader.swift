import Campaign
import Config
import CoreValues
import Foundation
import KafkaBridge
import Logging
import PostgresBridge
import WorkflowRuntime

/// The reader role of campaign-to-crm: one active instance (advisory lock) reads the
/// settled new rows of `email_events` (`EmailEventSource`, never past a transaction in
/// flight), publishes the selected ones, and only then moves its cursor option
/// `LASTEXPORT_<instance>_campaign-to-crm_email-events`.
struct EmailEventReader: Sendable {
    let base: CRMBridgeConfig
    let logger: Logger
    /// Rows per read; a full page is followed by the next at once.
    var pageSize = 5000

    func run(_ run: RoleRun) async throws {
        let workflow = try EgressConfig.campaignToCRM(run, base: base)
        let events = workflow.emailEvents
        let exports = try ExportPlan.all(workflow).map { try ExportSourceReader(plan: $0, instance: base.instance) }
        guard events.enabled || !exports.isEmpty else {
            await IdleRole.wait(run, logger: logger, reason: "emailEvents.enabled is false and no export or delete is configured")
            return
        }
        let source: EmailEventSource
        do {
            source = try EmailEventSource(configuredTable: events.table)
        } catch {
            throw RoleFailure("emailEvents.table: \(error)")
        }
        let connections = base.connections
        let databaseURL = connections.campaign.databaseURL
        let kafka = connections.kafkaConfiguration(clientID: "crmbridge-egress-reader")
        let lock = ActiveInstanceLock.Configuration(name: Self.lockName, databaseURL: databaseURL)
        // Each part is closed on every path; a lost lock closes the producer at once (nothing
        // more leaves this instance) and cancels the work.
        try await ActiveInstanceLock.withLock(lock, logger: logger, onStandby: { run.markStandby() }) { lease in
            try await PostgresConnection.withConnection(url: databaseURL, logger: logger) { database in
                try await KafkaProducer.withProducer(
                    configuration: kafka, logger: logger, connectivity: run.health.kafkaConnectivity("producer")
                ) { producer in
                    await lease.whenLost { await producer.close(timeout: .zero) }
                    try await EgressTopics.create(
                        kafka: kafka, partitions: connections.kafka.topicPartitions, exports: exports.map(\.plan.topic), logger: logger)
                    run.health.connected(.kafka)  // the broker answered the topic creation
                    do {
                        if events.enabled { try await source.checkSchema(on: database) }
                    } catch let mismatch as CampaignSchemaMismatch {
                        throw RoleFailure(mismatch.message)
                    }
                    for export in exports { try await export.checkSchema(on: database) }
                    run.markRunning()
                    try await loop(events.enabled ? source : nil, events, exports, database: database, producer: producer, run: run)
                }
            }
        }
    }

    static let lockName = "crmbridge/campaign-to-crm/reader"

    /// Each source when it is due: email events every `emailEvents.interval`, each export
    /// every its `interval`, a source whose page was full again at once.
    private func loop(
        _ source: EmailEventSource?, _ events: CampaignToCRMConfig.EmailEvents, _ exports: [ExportSourceReader],
        database: PostgresConnection, producer: KafkaProducer, run: RoleRun
    ) async throws {
        var emailDue = ContinuousClock.now
        var exportDue = Array(repeating: ContinuousClock.now, count: exports.count)
        var watch = HorizonWatch(warnAfter: events.horizonWarningAfter)
        while !Task.isCancelled {
            if let source, emailDue <= .now {
                let full = try await emailEventPage(source, events, watch: &watch, database: database, producer: producer, run: run)
                emailDue = full ? .now : .now + events.interval
            }
            for (index, export) in exports.enumerated() where exportDue[index] <= .now {
                let full = try await export.runOnce(database: database, producer: producer, run: run, logger: logger)
                exportDue[index] = full ? .now : .now + export.plan.interval
            }
            var dues = exportDue
            if source != nil { dues.append(emailDue) }
            let next = dues.min() ?? .now + .seconds(1)
            if next > .now { try? await Task.sleep(until: min(next, .now + .seconds(1))) }
        }
    }

    /// One page of email events; answers whether it was full.
    private func emailEventPage(
        _ source: EmailEventSource, _ events: CampaignToCRMConfig.EmailEvents, watch: inout HorizonWatch,
        database: PostgresConnection, producer: KafkaProducer, run: RoleRun
    ) async throws -> Bool {
        let options = OptionStore(database: database)
        let optionName = EmailEventCursor.optionName(instance: base.instance)
        let selection = EmailEventSelection(events)
        let cursor = try await currentCursor(options, optionName)
        let page = try await source.read(after: cursor, limit: pageSize, on: database)
        let report = watch.observe(horizon: page.horizon, waiting: page.waitingBehindHorizon, at: .now)
        run.setDetail("emailEvents.cursor", cursor.description)
        run.setDetail("emailEvents.horizon", String(page.horizon))
        run.setDetail("emailEvents.waitingBehindHorizon", String(report.waiting))
        run.setDetail("emailEvents.horizonHeldBackSeconds", String(Int(report.heldBack.components.seconds)))
        run.setWarning(report.warning)
        if let report = report.warning { logger.warning("read horizon held back", metadata: ["detail": "\(report)"]) }

        if let last = page.rows.last {
            let now = Date()
            let selected = page.rows.filter(selection.accepts)
            try await publish(selected.map { EmailEventEnvelopes.envelope($0, now: now) }, producer: producer, run: run)
            run.health.connected(.kafka)
            // Every selected row is acknowledged by the broker: only now may the cursor pass them.
            try await options.set(optionName, last.cursor.description)
            run.counters.read(page.rows.count, entity: "email-events")
            run.counters.published(selected.count, entity: "email-events")
            logger.info("email events published", metadata: [
                "read": "\(page.rows.count)", "published": "\(selected.count)", "cursor": "\(last.cursor)"])
        }
        return page.rows.count >= pageSize
    }

    /// The cursor option; absent means from the first stamped row. A value an operator
    /// broke stops the role with the reason rather than guessing.
    private func currentCursor(_ options: OptionStore, _ name: String) async throws -> EmailEventCursor {
        guard let text = try await options.get(name) else { return .start }
        switch EmailEventCursor.parse(text) {
        case .success(let cursor): return cursor
        case .failure(let error): throw RoleFailure("option \(name): \(error.message)")
        }
    }

    private func publish(_ envelopes: [Envelope], producer: KafkaProducer, run: RoleRun) async throws {
        guard !envelopes.isEmpty else { return }
        let headers = [
            KafkaHeader(name: EnvelopeHeaders.configVersion, value: String(run.configVersion)),
            KafkaHeader(name: EnvelopeHeaders.traceID, value: UUID().uuidString.lowercased()),
        ]
        try await producer.send(envelopes.map { envelope in
            KafkaRecord(topic: Topics.emailEvents, key: Array(envelope.id.utf8), value: envelope.encoded(), headers: headers)
        })
    }
}
