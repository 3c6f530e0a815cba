import Campaign
import Config
import CoreValues
import DevBroker
import Foundation
import HTTPBridge
import KafkaBridge
import Logging
import WorkflowRuntime

/// The real parts one end-to-end test runs against: a fresh Campaign database on the
/// test PostgreSQL, its own Kafka mock cluster over TCP (so the fixed topic and group
/// names of the product never meet another test's), the CRM emulator over HTTP, and a
/// `crmbridge.yaml` pointing at them. Roles run as child processes.
public final class TestStack: Sendable {
    public let databaseURL: String
    public let kafka: KafkaMockCluster
    public let emulator: TestEmulator
    public let crm: CRMKind
    public let configPath: String
    public let http = HTTPClient()
    /// The CRM's own API, as a user of the CRM changes data.
    public let crmAPI: TestCRMClient

    public var bootstrapServers: String { kafka.bootstrapServers }

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

    /// - Parameters:
    ///   - workflowsYAML: the `workflows:` section's body, indented by two spaces.
    ///   - prepare: SQL run on the fresh database after the migrations (test tables, triggers).
    ///   - postgres: the server of the Campaign database (default the shared one; a private
    ///     one for a test that stops it).
    public static func start(
        crm: CRMKind, workflowsYAML: String, prepare: String? = nil, postgres: TestPostgres? = nil
    ) async throws -> TestStack {
        let server = if let postgres { postgres } else { try await TestPostgres.shared() }
        let databaseURL = try await server.freshDatabase()
        let kafka = try KafkaMockCluster(brokers: 1, logger: TestKafka.logger)
        let emulator = try await TestEmulator.start(seed: 0)
        let configPath = NSTemporaryDirectory() + "crmbridge-test-\(UUID().uuidString.prefix(8)).yaml"
        let yaml = """
            instance: test
            connections:
              campaign: {}
              kafka: {}
              crm:
                kind: \(crm.rawValue)
            workflows:
            \(workflowsYAML)
            """
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
        let stack = TestStack(databaseURL: databaseURL, kafka: kafka, emulator: emulator, crm: crm, configPath: configPath)
        try stack.createEntityTopics()
        try await BridgeSchema.createIfMissing(databaseURL: Secret(databaseURL), logger: TestKafka.logger)
        try await CampaignDemoSchema.create(databaseURL: Secret(databaseURL), logger: TestKafka.logger)
        if let prepare { try await stack.execute(prepare) }
        return stack
    }

    private init(databaseURL: String, kafka: KafkaMockCluster, emulator: TestEmulator, crm: CRMKind, configPath: String) {
        self.databaseURL = databaseURL
        self.kafka = kafka
        self.emulator = emulator
        self.crm = crm
        self.configPath = configPath
        self.crmAPI = TestCRMClient(kind: crm, baseURL: emulator.baseURL, http: http)
    }

    /// As `crmbridge dev-broker` creates them for `make run`: the librdkafka mock keeps at
    /// most 5 MiB per partition, so entity topics get enough partitions for a load to stay
    /// whole while a writer catches up.
    public static let entityTopicPartitions = LocalBrokerTopics.workflowTopicPartitions

    private func createEntityTopics() throws {
        // A test may give an invalid file on purpose: the roles report it, not the stack.
        guard let section = (try? config())?.workflowYAML[.crmToCampaign] else { return }
        guard case .crmToCampaign(let workflow)? = try? WorkflowConfig.parse(yaml: section, workflow: .crmToCampaign, crm: crm) else { return }
        for entity in workflow.entities {
            try kafka.createTopic(Topics.crmToCampaign(entity: entity.name), partitions: Self.entityTopicPartitions)
        }
    }

    /// The configuration as the roles read it.
    public func config() throws -> CRMBridgeConfig {
        try CRMBridgeConfig.load(path: configPath, environment: environment)
    }

    public func kafkaConfiguration(clientID: String = "crmbridge-test") -> KafkaConfiguration {
        .localDefaults(bootstrapServers: bootstrapServers, clientID: clientID)
    }

    /// Starts a role executable (`IngressService reader`, …) as its own process.
    public func spawn(_ executable: String, _ arguments: [String]) throws -> RoleProcessHandle {
        try RoleProcessHandle(executable, arguments, environment: environment)
    }

    /// Seeds `count` deterministic records of an entity set / object in the emulator,
    /// in chunks (the Dynamics seeder's duplicate check grows with the square of one call's count).
    public func seed(_ object: String, count: Int) async throws {
        var left = count
        while left > 0 {
            let chunk = min(left, 2_500)
            let path = crm == .dynamics
                ? "/admin/dynamics/seed?entity=\(object)&count=\(chunk)"
                : "/admin/salesforce/seed?object=\(object)&count=\(chunk)"
            _ = try await admin("POST", path)
            left -= chunk
        }
    }

    /// Calls the emulator's admin API (never the CRM API); answers the body's text.
    @discardableResult
    public func admin(_ method: String, _ path: String, json: String? = nil) async throws -> String {
        var request = HTTPRequest(method: method, url: emulator.baseURL + path, body: json.map { Array($0.utf8) })
        if json != nil { request.headers.add("Content-Type", "application/json") }
        let response = try await http.execute(request)
        guard response.isSuccess else {
            throw TestStackError("\(method) \(path) answered \(response.status): \(response.bodyText.prefix(500))")
        }
        return response.bodyText
    }

    /// A record that becomes visible now with an older last-modified time (a late
    /// commit), through the emulator's admin "late" endpoint. Returns its id.
    public func lateRecord(_ object: String, _ fields: [String: Any], modifiedAt: String) async throws -> String {
        let text: String
        switch crm {
        case .dynamics:
            let body = String(decoding: try JSONSerialization.data(withJSONObject: fields), as: UTF8.self)
            text = try await admin("POST", "/admin/dynamics/late?entity=\(object)&modifiedon=\(HTTPRequest.percentEncoded(modifiedAt))", json: body)
        case .salesforce:
            let request: [String: Any] = ["object": object, "fields": fields, "systemModstamp": modifiedAt]
            text = try await admin("POST", "/admin/salesforce/late", json: String(decoding: try JSONSerialization.data(withJSONObject: request), as: UTF8.self))
        }
        let answer = try JSONDecoder().decode([String: TestJSON].self, from: Data(text.utf8))
        guard let id = answer["id"]?.stringValue else { throw TestStackError("late record: no id in \(text)") }
        return id
    }
}

public struct TestStackError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
