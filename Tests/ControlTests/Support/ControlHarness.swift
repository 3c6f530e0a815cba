import Config
import CoreValues
@testable import ControlService
import DevBroker
import Foundation
import HTTPBridge
import KafkaBridge
import Logging
import PostgresBridge
import TestSupport
import WorkflowRuntime

/// A control service running in this test process on a free port, against its own
/// PostgreSQL database and its own Kafka mock cluster, called over HTTP with the
/// libcurl client, as a person's browser or the CLI would.
final class ControlHarness: Sendable {
    let baseURL: String
    let token: String
    let databaseURL: String
    let kafka: KafkaMockCluster
    let kafkaConfiguration: KafkaConfiguration
    /// A separate session, for what a role would write (heartbeats, rejects).
    let roleDatabase: PostgresConnection
    let http = HTTPClient()
    private let task: Task<Void, any Error>

    private init(baseURL: String, token: String, databaseURL: String, kafka: KafkaMockCluster,
                 kafkaConfiguration: KafkaConfiguration, roleDatabase: PostgresConnection, task: Task<Void, any Error>) {
        self.baseURL = baseURL
        self.token = token
        self.databaseURL = databaseURL
        self.kafka = kafka
        self.kafkaConfiguration = kafkaConfiguration
        self.roleDatabase = roleDatabase
        self.task = task
    }

    static let logger: Logger = {
        var logger = Logger(label: "test.control")
        let level = ProcessInfo.processInfo.environment["CRMBRIDGE_TEST_LOG_LEVEL"]
        logger.logLevel = level.flatMap(Logger.Level.init(rawValue:)) ?? .critical
        return logger
    }()

    /// crm-to-campaign with the given entities; the other workflows at their defaults.
    static func configs(entities: [String]) -> [WorkflowName: String] {
        [.crmToCampaign: ControlFixtures.crmToCampaign(entities: entities), .campaignToCRM: "{}", .optInOut: "mode: bidirectional\n"]
    }

    static func start(
        configs: [WorkflowName: String] = configs(entities: ["contact"]),
        sampleInterval: Duration = .milliseconds(200),
        staleAfter: Duration = .seconds(5),
        forgetInstancesAfter: Duration = .seconds(120)
    ) async throws -> ControlHarness {
        let databaseURL = try await TestPostgres.shared().freshDatabase()
        let kafka = try KafkaMockCluster(brokers: 1, logger: TestKafka.logger)
        var kafkaConfiguration = KafkaConfiguration.localDefaults(bootstrapServers: kafka.bootstrapServers, clientID: "control-test")
        kafkaConfiguration.requestTimeout = .seconds(5)
        let token = "test-token-" + UUID().uuidString
        let settings = ControlSettings(
            host: "127.0.0.1", port: 0, databaseURL: Secret(databaseURL), kafka: kafkaConfiguration,
            apiToken: Secret(token), crm: .dynamics, instance: "test", initialConfigs: configs,
            sampleInterval: sampleInterval, historyWindow: .seconds(3600), heartbeatStaleAfter: staleAfter,
            backlogRetryAfter: .seconds(1), forgetInstancesAfter: forgetInstancesAfter)
        let server = try await ControlServer.prepare(settings: settings, logger: logger)
        let (ports, sink) = AsyncStream<Int>.makeStream()
        let task = Task {
            defer { sink.finish() }
            try await server.run { port in sink.yield(port) }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            _ = try? await task.value
            throw HarnessError("the control service did not start")
        }
        let roleDatabase = try await PostgresConnection.connect(url: Secret(databaseURL), logger: logger)
        return ControlHarness(
            baseURL: "http://127.0.0.1:\(port)", token: token, databaseURL: databaseURL, kafka: kafka,
            kafkaConfiguration: kafkaConfiguration, roleDatabase: roleDatabase, task: task)
    }

    /// Runs `body` with a started harness and stops it afterwards, whatever happens.
    static func with<T: Sendable>(
        configs: [WorkflowName: String] = configs(entities: ["contact"]),
        sampleInterval: Duration = .milliseconds(200),
        staleAfter: Duration = .seconds(5),
        forgetInstancesAfter: Duration = .seconds(120),
        _ body: (ControlHarness) async throws -> T
    ) async throws -> T {
        let harness = try await start(
            configs: configs, sampleInterval: sampleInterval, staleAfter: staleAfter, forgetInstancesAfter: forgetInstancesAfter)
        do {
            let result = try await body(harness)
            await harness.stop()
            return result
        } catch {
            await harness.stop()
            throw error
        }
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
        await roleDatabase.close()
        http.shutdown()
    }

    // MARK: HTTP

    struct Answer: Sendable {
        var status: Int
        var text: String
        var headers: HTTPHeaders

        /// The body as a JSON object; empty when it is not one.
        var object: [String: any Sendable] {
            (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: any Sendable]) ?? [:]
        }

        var array: [[String: any Sendable]] {
            (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: any Sendable]]) ?? []
        }
    }

    /// Calls the service; `token: nil` sends no Authorization header.
    func call(_ method: String, _ path: String, json: Any? = nil, body: String? = nil,
              contentType: String? = nil, token: String?? = .some(nil)) async throws -> Answer {
        var headers = HTTPHeaders()
        let bearer: String? = switch token {
        case .none: nil
        case .some(.none): self.token
        case .some(.some(let given)): given
        }
        if let bearer { headers.add("Authorization", "Bearer \(bearer)") }
        var bytes: [UInt8]?
        if let json {
            bytes = Array(try JSONSerialization.data(withJSONObject: json))
            headers.add("Content-Type", "application/json")
        } else if let body {
            bytes = Array(body.utf8)
            headers.add("Content-Type", contentType ?? "application/yaml")
        }
        let response = try await http.execute(
            HTTPBridge.HTTPRequest(method: method, url: baseURL + path, headers: headers, body: bytes, timeout: .seconds(30)))
        return Answer(status: response.status, text: response.bodyText, headers: response.headers)
    }

    func workflow(_ name: WorkflowName) async throws -> [String: any Sendable] {
        let answer = try await call("GET", "/api/workflows/\(name.rawValue)")
        guard answer.status == 200 else { throw HarnessError("GET workflow answered \(answer.status): \(answer.text)") }
        return answer.object
    }

    /// Polls the workflow until `condition` holds on its JSON item.
    @discardableResult
    func waitFor(_ name: WorkflowName, _ what: String, timeout: Duration = .seconds(20),
                 _ condition: ([String: any Sendable]) -> Bool) async throws -> [String: any Sendable] {
        var last: [String: any Sendable] = [:]
        try await eventually("\(name.rawValue) \(what) (last: \(last))", timeout: timeout) {
            last = try await workflow(name)
            return condition(last)
        }
        return last
    }

    /// Creates `topic` on the harness's cluster. The mock broker auto-creates a topic
    /// (4 partitions) as soon as anyone asks about it, as the control service's backlog
    /// sampler does: then the topic is used as it is.
    func ensureTopic(_ topic: String, partitions: Int32) throws {
        do {
            try kafka.createTopic(topic, partitions: partitions)
        } catch let error as KafkaError where error.code == .topicAlreadyExists {
            return
        }
    }

    // MARK: What a role does

    var heartbeats: HeartbeatStore { HeartbeatStore(database: roleDatabase) }

    func beat(_ workflow: WorkflowName, _ role: String, _ state: RoleState, version: Int?, error: String? = nil,
              instance: String = "test-1", detail: String = "{}") async throws {
        try await heartbeats.beat(workflow: workflow, role: role, instance: instance, state: state,
                                  configVersion: version, lastError: error, detail: detail)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
