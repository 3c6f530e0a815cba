import CRMConnectors
import Config
import Foundation
import HTTPBridge
import KafkaBridge
import Logging
import PostgresBridge
import WorkflowRuntime

/// The reader role of crm-to-campaign: one active instance (advisory lock), a full
/// load of each entity first, then incremental windows at each entity's interval.
///
/// Every part (the lock, the database connection, the HTTP client, the producer) lives in
/// a scope that closes it on every path, also when setting up a later part throws. The
/// work runs only while the lock is held: when it is lost, the producer is closed without
/// delivering what is still queued, then the work is cancelled, so nothing leaves this
/// reader once a standby may have taken over.
struct IngressReader: Sendable {
    static let lockName = "crmbridge/crm-to-campaign/reader"

    let base: CRMBridgeConfig
    let logger: Logger

    func run(_ run: RoleRun) async throws {
        let workflow = try IngressConfig.crmToCampaign(run, base: base)
        let databaseURL = base.connections.campaign.databaseURL
        let lock = ActiveInstanceLock.Configuration(name: Self.lockName, databaseURL: databaseURL)
        try await ActiveInstanceLock.withLock(lock, logger: logger, onStandby: { run.markStandby() }) { lease in
            try await PostgresConnection.withConnection(url: databaseURL, logger: logger) { database in
                try await HTTPClient.withClient(logger: logger) { http in
                    let kafka = base.connections.kafkaConfiguration(clientID: "crmbridge-ingress-reader")
                    try await KafkaProducer.withProducer(
                        configuration: kafka, logger: logger, connectivity: run.health.kafkaConnectivity("producer")
                    ) { producer in
                        await lease.whenLost { await producer.close(timeout: .zero) }
                        try await read(workflow, run: run, database: database, http: http, kafka: kafka, producer: producer)
                    }
                }
            }
        }
    }

    private func read(
        _ workflow: CRMToCampaignConfig, run: RoleRun, database: PostgresConnection, http: HTTPClient,
        kafka: KafkaConfiguration, producer: KafkaProducer
    ) async throws {
        let connections = base.connections
        try await IngressTopics.create(for: workflow, kafka: kafka, partitions: connections.kafka.topicPartitions, logger: logger)
        let watch = CRMAnswerWatch(notAnsweringAfter: connections.crm.notAnsweringAfter)
        // Every CRM call sent again (429, 503, an expired token, a cut answer) counts in
        // /metrics as the writers' do: a throttled reader is visible there, not only in its log.
        let onRetry: CRMRetryObserver = { notice in if !notice.isHoldingBack { run.counters.retried() } }
        let connector = connections.crm.makeSourceConnector(http: http, logger: logger, observer: watch, onRetry: onRetry)
        let mappingCheck = CRMMappingCheck(
            metadata: connections.crm.makeMetadataSource(http: http, logger: logger, observer: watch, onRetry: onRetry))
        let backlog = try BacklogGate(
            maxBacklog: workflow.maxBacklog, kafka: kafka, topics: IngressTopics.names(for: workflow), run: run, logger: logger)
        let imports = workflow.entities.map { entity in
            let publisher = EnvelopePublisher(
                producer: producer, backlog: backlog, topic: Topics.crmToCampaign(entity: entity.name),
                system: connections.crm.kind.envelopeSystem, entity: entity.name, configVersion: run.configVersion,
                instance: run.instance, recordsPerSend: EnvelopePublisher.recordsPerSend(
                    pageSize: entity.pageSize, maxBacklog: workflow.maxBacklog))
            return EntityImport(
                entity: entity, instance: base.instance, connector: connector,
                publisher: publisher, options: OptionStore(database: database), state: ConnectorStateStore(database: database),
                population: PopulationSource(entity: entity, settings: base.populations, database: database),
                reconciliation: FullLoadReconciliation(entity: entity, database: database, publisher: publisher),
                run: run, logger: logger)
        }
        run.markRunning()
        // The status reason follows the CRM's answers while the windows wait on it.
        let shown = Task {
            while !Task.isCancelled {
                run.setWarning(watch.reason)
                try? await Task.sleep(for: .seconds(1))
            }
        }
        defer {
            shown.cancel()
            run.setWarning(nil)
        }
        try await loop(imports, mappingCheck: mappingCheck, watch: watch)
    }

    /// Runs each entity when it is due; a failing entity is retried at its next turn
    /// while the others go on, unless the failure needs an operator: a mapping the CRM's
    /// metadata does not know (checked before the entity's first window), or an error
    /// the CRM's code marks as permanent (`CRMError.isPermanent`). Those fail the
    /// workflow naming the entity and the CRM's code; LASTIMPORT has not moved, so a
    /// Start after the fix reads the same window again.
    private func loop(_ entities: [EntityImport], mappingCheck: CRMMappingCheck, watch: CRMAnswerWatch) async throws {
        // Each entity keeps what its last window published (`OverlapMemory`) from run to run.
        var imports = entities
        var due = Array(repeating: ContinuousClock.now, count: imports.count)
        var checked = Array(repeating: false, count: imports.count)
        while !Task.isCancelled {
            for index in imports.indices where due[index] <= .now {
                let entityImport = imports[index]
                let entity = entityImport.entity
                do {
                    if !checked[index] {
                        try await Self.check(entity, with: mappingCheck)
                        checked[index] = true
                    }
                    try await imports[index].runOnce()
                } catch let failure as RoleFailure {
                    throw failure
                } catch is CancellationError {
                    return
                } catch let error as CRMError where error.isPermanent {
                    throw RoleFailure("entity \(entity.name) (\(entity.remoteObject)): \(error)")
                } catch {
                    if Task.isCancelled { return }
                    if let error = error as? CRMError {
                        watch.windowFailed("entity \(entity.name): \(error)")
                    }
                    entityImport.run.counters.error()
                    entityImport.run.health.failed(error, otherwise: .crm)
                    logger.warning("import failed; retrying at the next interval",
                                   metadata: ["entity": "\(entity.name)", "error": "\(error)"])
                }
                due[index] = .now + entityImport.entity.interval
            }
            let next = due.min() ?? .now + .seconds(1)
            try? await Task.sleep(until: min(next, .now + .seconds(1)))
        }
    }

    /// Fails the workflow when the entity names an object or field the CRM does not have.
    private static func check(_ entity: EntityConfig, with mappingCheck: CRMMappingCheck) async throws {
        let problems = try await mappingCheck.problems([entity])
        guard problems.isEmpty else {
            throw RoleFailure("the mapping names what the CRM does not have: "
                + problems.map(\.description).joined(separator: "; "))
        }
    }
}
