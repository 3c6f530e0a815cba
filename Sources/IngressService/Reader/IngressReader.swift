import Config
import Foundation
import HTTPBridge
import KafkaBridge
import Logging
import PostgresBridge
import WorkflowRuntime

/// The reader role of crm-to-campaign: one active instance (advisory lock), a full
/// load of each entity first, then incremental windows at each entity's interval.
struct IngressReader: Sendable {
    let base: CRMBridgeConfig
    let logger: Logger

    func run(_ run: RoleRun) async throws {
        let workflow = try IngressConfig.crmToCampaign(run, base: base)
        let connections = base.connections
        let databaseURL = connections.campaign.databaseURL.reveal()

        let lock = try await ActiveInstanceLock.acquire(
            name: "crmbridge/crm-to-campaign/reader", databaseURL: databaseURL, logger: logger)
        let database = try await PostgresConnection.connect(url: databaseURL, logger: logger)
        let http = HTTPClient(logger: logger)
        let kafka = connections.kafkaConfiguration(clientID: "crmbridge-ingress-reader")
        let producer = try KafkaProducer(configuration: kafka, logger: logger)
        defer { http.shutdown() }

        do {
            try await IngressTopics.create(for: workflow, kafka: kafka, logger: logger)
            let connector = connections.crm.makeSourceConnector(http: http, logger: logger)
            let backlog = try BacklogGate(
                maxBacklog: workflow.maxBacklog, kafka: kafka, topics: IngressTopics.names(for: workflow), run: run, logger: logger)
            let imports = workflow.entities.map { entity in
                let publisher = EnvelopePublisher(
                    producer: producer, backlog: backlog, topic: Topics.crmToCampaign(entity: entity.name),
                    system: connections.crm.kind.envelopeSystem, entity: entity.name, configVersion: run.configVersion)
                return EntityImport(
                    entity: entity, instance: base.instance, connector: connector,
                    publisher: publisher, options: OptionStore(database: database), state: ConnectorStateStore(database: database),
                    population: PopulationSource(entity: entity, settings: base.populations, database: database),
                    reconciliation: FullLoadReconciliation(entity: entity, database: database, publisher: publisher),
                    run: run, logger: logger)
            }
            run.markRunning()
            try await loop(imports, lock: lock)
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

    /// Runs each entity when it is due; a failing entity is retried at its next turn
    /// while the others go on, unless the failure needs an operator.
    private func loop(_ imports: [EntityImport], lock: ActiveInstanceLock) async throws {
        var due = Array(repeating: ContinuousClock.now, count: imports.count)
        while !Task.isCancelled {
            guard await lock.isHeld() else {
                throw ReaderError.lostLock
            }
            for (index, entityImport) in imports.enumerated() where due[index] <= .now {
                do {
                    try await entityImport.runOnce()
                } catch let failure as RoleFailure {
                    throw failure
                } catch is CancellationError {
                    return
                } catch {
                    if Task.isCancelled { return }
                    logger.warning("import failed; retrying at the next interval",
                                   metadata: ["entity": "\(entityImport.entity.name)", "error": "\(error)"])
                }
                due[index] = .now + entityImport.entity.interval
            }
            let next = due.min() ?? .now + .seconds(1)
            try? await Task.sleep(until: min(next, .now + .seconds(1)))
        }
    }
}

enum ReaderError: Error, CustomStringConvertible {
    case lostLock
    var description: String { "lost the reader lock (database connection re-made); re-acquiring" }
}
