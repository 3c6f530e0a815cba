import Foundation
import Logging
import Shared

/// The real parts one end-to-end test runs against: a fresh Campaign database on the
/// test PostgreSQL, the Kafka mock cluster over TCP, the CRM emulator over HTTP, and a
/// `crmbridge.yaml` pointing at them. Roles run as child processes.
public final class TestStack: Sendable {
    public let databaseURL: String
    public let bootstrapServers: String
    public let emulator: TestEmulator
    public let crm: CRMKind
    public let configPath: String
    public let http = HTTPClient()

    public var environment: [String: String] {
        [
            "CAMPAIGN_DATABASE_URL": databaseURL,
            "KAFKA_BOOTSTRAP_SERVERS": bootstrapServers,
            "CRMBRIDGE_LOCAL_BROKER": "1",
            "CRMBRIDGE_CONFIG": configPath,
            "CRMBRIDGE_LOG_LEVEL": "info",
            "DYNAMICS_URL": emulator.baseURL,
            "DYNAMICS_TOKEN_URL": emulator.baseURL + "/test-tenant/oauth2/v2.0/token",
            "DYNAMICS_CLIENT_ID": "crmbridge-demo",
            "DYNAMICS_CLIENT_SECRET": "demo-secret",
            "SALESFORCE_URL": emulator.baseURL,
            "SALESFORCE_CLIENT_ID": "crmbridge-demo",
            "SALESFORCE_CLIENT_SECRET": "demo-secret",
        ]
    }

    /// - Parameter workflowsYAML: the `workflows:` section's body, indented by two spaces.
    public static func start(crm: CRMKind, workflowsYAML: String) async throws -> TestStack {
        let databaseURL = try await TestPostgres.shared().freshDatabase()
        let bootstrap = try TestKafka.cluster().bootstrapServers
        let emulator = try await TestEmulator.start(seed: 0)
        let configPath = NSTemporaryDirectory() + "crmbridge-test-\(UUID().uuidString.prefix(8)).yaml"
        let connection = crm == .dynamics
            ? "    kind: dynamics\n"
            : "    kind: salesforce\n"
        let yaml = """
            instance: test
            connections:
              campaign: {}
              kafka: {}
              crm:
            \(connection)workflows:
            \(workflowsYAML)
            """
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
        let stack = TestStack(databaseURL: databaseURL, bootstrapServers: bootstrap, emulator: emulator, crm: crm, configPath: configPath)
        try await CampaignMigrations.run(databaseURL: databaseURL, logger: TestKafka.logger)
        return stack
    }

    private init(databaseURL: String, bootstrapServers: String, emulator: TestEmulator, crm: CRMKind, configPath: String) {
        self.databaseURL = databaseURL
        self.bootstrapServers = bootstrapServers
        self.emulator = emulator
        self.crm = crm
        self.configPath = configPath
    }

    /// The configuration as the roles read it.
    public func config() throws -> CRMBridgeConfig {
        try CRMBridgeConfig.load(path: configPath, environment: environment)
    }

    public func connect() async throws -> PostgresConnection {
        try await PostgresConnection.connect(url: databaseURL, logger: TestKafka.logger)
    }

    /// Stores the workflow's section as version 1 (as the control service does) and presses Start.
    public func startWorkflow(_ workflow: WorkflowName) async throws {
        let database = try await connect()
        defer { Task { await database.close() } }
        let store = WorkflowStore(database: database)
        try await store.ensure(workflow, initialConfig: try config().workflowYAML[workflow] ?? "{}")
        try await store.start(workflow)
    }

    /// Starts a role executable (`IngressService reader`, …) as its own process.
    public func spawn(_ executable: String, _ arguments: [String]) throws -> RoleProcessHandle {
        try RoleProcessHandle(executable, arguments, environment: environment)
    }

    /// Seeds `count` deterministic records of an entity set / object in the emulator.
    public func seed(_ object: String, count: Int) async throws {
        let path = crm == .dynamics
            ? "/admin/dynamics/seed?entity=\(object)&count=\(count)"
            : "/admin/salesforce/seed?object=\(object)&count=\(count)"
        let response = try await http.execute(.init(method: "POST", url: emulator.baseURL + path))
        guard response.status == 200 else { throw TestStackError("seeding \(object) failed: \(response.status) \(response.bodyText)") }
    }

    public func count(_ sql: String, _ parameters: [String?] = []) async throws -> Int {
        let database = try await connect()
        defer { Task { await database.close() } }
        return try await database.query(sql, parameters).int(0, "count") ?? -1
    }
}

public struct TestStackError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
