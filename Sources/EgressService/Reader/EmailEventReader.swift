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
        guard events.enabled else {
            await IdleRole.wait(run, logger: logger, reason: "emailEvents.enabled is false")
            return
        }
        let source: EmailEventSource
        do {
            source = try EmailEventSource(configuredTable: events.table)
        } catch {
            throw RoleFailure("emailEvents.table: \(error)")
        }
        let connections = base.connections
        let databaseURL = connections.campaign.databaseURL.reveal()
        let lock = try await ActiveInstanceLock.acquire(
            name: "crmbridge/campaign-to-crm/reader", databaseURL: databaseURL, logger: logger)
        let database: PostgresConnection
        let producer: KafkaProducer
        do {
            database = try await PostgresConnection.connect(url: databaseURL, logger: logger)
            producer = try KafkaProducer(configuration: connections.kafkaConfiguration(clientID: "crmbridge-egress-reader"), logger: logger)
        } catch {
            await lock.release()
            throw error
        }
        do {
            try await EgressTopics.create(
                kafka: connections.kafkaConfiguration(clientID: "crmbridge-egress-reader"),
                partitions: connections.kafka.topicPartitions, logger: logger)
            do {
                try await source.checkSchema(on: database)
            } catch let mismatch as CampaignSchemaMismatch {
                throw RoleFailure(mismatch.message)
            }
            run.markRunning()
            try await loop(source, events, database: database, producer: producer, lock: lock, run: run)
        } catch {
            await producer.close()
            await database.close()
            await lock.release()
            throw error
        }
        await producer.close()
        await database.close()
        await lock.release()
    }

    private func loop(
        _ source: EmailEventSource, _ events: CampaignToCRMConfig.EmailEvents, database: PostgresConnection,
        producer: KafkaProducer, lock: ActiveInstanceLock, run: RoleRun
    ) async throws {
        let options = OptionStore(database: database)
        let optionName = EmailEventCursor.optionName(instance: base.instance)
        let selection = EmailEventSelection(events)
        var watch = HorizonWatch(warnAfter: events.horizonWarningAfter)
        while !Task.isCancelled {
            guard await lock.isHeld() else { throw EgressReaderError.lostLock }
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
                // Every selected row is acknowledged by the broker: only now may the cursor pass them.
                try await options.set(optionName, last.cursor.description)
                run.counters.read(selected.count)
                logger.info("email events published", metadata: [
                    "read": "\(page.rows.count)", "published": "\(selected.count)", "cursor": "\(last.cursor)"])
            }
            if page.rows.count < pageSize {
                try? await Task.sleep(for: events.interval)
            }
        }
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

enum EgressReaderError: Error, CustomStringConvertible {
    case lostLock
    var description: String { "lost the reader lock (database connection re-made); re-acquiring" }
}
