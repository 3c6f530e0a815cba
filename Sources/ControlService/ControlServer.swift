import Config
import Foundation
import HTTPBridge
import Hummingbird
import KafkaBridge
import Logging
import PostgresBridge
import ServiceLifecycle
import WorkflowRuntime

/// The control service assembled: database sessions, Kafka admin, the API and page
/// routes, the history sampler. `prepare` readies the database (schema, the three
/// workflows as version 1 of crmbridge.yaml); `run` serves until shut down.
final class ControlServer: Sendable {
    let settings: ControlSettings
    let logger: Logger
    let apiDatabase: PostgresConnection
    let samplerDatabase: PostgresConnection
    let admin: KafkaAdmin
    let history: WorkflowHistory
    let metrics: ControlMetrics
    let inspector: WorkflowInspector
    let sampler: HistorySampler
    let page: PageRenderer
    /// For the mapping check against the CRM's metadata on a save.
    let http: HTTPClient

    private init(settings: ControlSettings, logger: Logger, apiDatabase: PostgresConnection,
                 samplerDatabase: PostgresConnection, admin: KafkaAdmin, page: PageRenderer) {
        self.settings = settings
        self.logger = logger
        self.apiDatabase = apiDatabase
        self.samplerDatabase = samplerDatabase
        self.admin = admin
        self.page = page
        http = HTTPClient(logger: logger)
        history = WorkflowHistory(capacity: settings.historyCapacity)
        metrics = ControlMetrics()
        let backlog = BacklogReader(admin: admin, logger: logger, retryAfter: settings.backlogRetryAfter)
        let rule = WorkflowStatusRule(staleAfter: settings.heartbeatStaleAfter)
        let configs = WorkflowConfigs(crm: settings.crm, store: WorkflowStore(database: apiDatabase))
        inspector = WorkflowInspector(
            store: WorkflowStore(database: apiDatabase), heartbeats: HeartbeatStore(database: apiDatabase),
            configs: configs, backlog: backlog, rule: rule, forgetInstancesAfter: settings.forgetInstancesAfter,
            logger: logger)
        let samplerInspector = WorkflowInspector(
            store: WorkflowStore(database: samplerDatabase), heartbeats: HeartbeatStore(database: samplerDatabase),
            configs: WorkflowConfigs(crm: settings.crm, store: WorkflowStore(database: samplerDatabase)),
            backlog: backlog, rule: rule, forgetInstancesAfter: settings.forgetInstancesAfter, logger: logger)
        sampler = HistorySampler(
            inspector: samplerInspector, history: history, metrics: metrics, interval: settings.sampleInterval, logger: logger)
    }

    /// Connects, creates the schema if needed, and stores each workflow's section of
    /// crmbridge.yaml as its version 1 when the workflow is new.
    static func prepare(settings: ControlSettings, logger: Logger) async throws -> ControlServer {
        let url = settings.databaseURL
        let apiDatabase = try await PostgresConnection.connect(url: url, logger: logger)
        let samplerDatabase = try await PostgresConnection.connect(url: url, logger: logger)
        try await BridgeSchema.createIfMissing(on: apiDatabase)
        let store = WorkflowStore(database: apiDatabase)
        for name in WorkflowName.allCases {
            try await store.ensure(name, initialConfig: settings.initialConfigs[name] ?? "{}")
        }
        let admin = try KafkaAdmin(configuration: settings.kafka, logger: logger)
        let page = try await PageRenderer.load()
        return ControlServer(
            settings: settings, logger: logger, apiDatabase: apiDatabase, samplerDatabase: samplerDatabase,
            admin: admin, page: page)
    }

    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: ErrorMiddleware(logger: logger))
        router.add(middleware: BearerTokenMiddleware(token: settings.apiToken))
        let configs = inspector.configs
        let mappings = settings.crmConnection.map {
            MappingValidator(connection: $0, http: http, timeout: settings.mappingCheckTimeout, logger: logger)
        }
        let actions = WorkflowActions(
            inspector: inspector, configs: configs, connectorState: ConnectorStateStore(database: apiDatabase),
            admin: admin, mappings: mappings, logger: logger)
        WorkflowRoutes(inspector: inspector, actions: actions, history: history, sampleInterval: settings.sampleInterval)
            .add(to: router)
        OptionRoutes(
            options: OptionStore(database: apiDatabase), rejects: RejectStore(database: apiDatabase),
            inspector: inspector, configs: configs, instance: settings.instance
        ).add(to: router)
        PageRoutes(
            page: page, inspector: inspector, metrics: metrics, database: apiDatabase,
            refreshSeconds: max(1, Int(settings.sampleInterval.seconds.rounded())), logger: logger
        ).add(to: router)
        return router
    }

    /// The HTTP server; `onServerRunning` receives the bound port (useful with port 0).
    func makeApplication(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let port = settings.port
        return Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(settings.host, port: port), serverName: "crmbridge-control"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// Serves until SIGTERM or SIGINT (when `handlesSignals`) or cancellation, then
    /// closes the database sessions.
    func run(
        handlesSignals: Bool = false,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let (host, logger) = (settings.host, logger)
        let app = makeApplication { port in
            logger.notice("control service listening", metadata: ["url": "http://\(host):\(port)/"])
            await onServerRunning(port)
        }
        let group = ServiceGroup(
            services: [app, sampler], gracefulShutdownSignals: handlesSignals ? [.sigterm, .sigint] : [],
            cancellationSignals: [], logger: logger)
        do {
            try await group.run()
        } catch {
            await close()
            throw error
        }
        await close()
    }

    func close() async {
        await apiDatabase.close()
        await samplerDatabase.close()
        http.shutdown()
    }
}
