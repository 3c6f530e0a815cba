import Config
@testable import ControlService
import CoreValues
import Foundation
import HTTPBridge
import TestSupport
import WorkflowRuntime

/// The control service of a `TestStack` (its database, Kafka, and CRM emulator, so saved
/// mappings are checked against the CRM), running in this test process on a free port,
/// with the crm-to-campaign roles as child processes, as `make run` starts them.
final class StackControl: @unchecked Sendable {
    let stack: TestStack
    let baseURL: String
    let token: String
    private let task: Task<Void, any Error>
    private(set) var roles: [RoleProcessHandle] = []

    private init(stack: TestStack, baseURL: String, token: String, task: Task<Void, any Error>) {
        self.stack = stack
        self.baseURL = baseURL
        self.token = token
        self.task = task
    }

    static func start(_ stack: TestStack) async throws -> StackControl {
        let file = try stack.config()
        let token = "test-token-" + UUID().uuidString
        var initial: [WorkflowName: String] = [:]
        for name in WorkflowName.allCases { initial[name] = file.workflowYAML[name] ?? "{}" }
        var settings = ControlSettings(
            host: "127.0.0.1", port: 0, databaseURL: file.connections.campaign.databaseURL,
            kafka: ControlSettings.kafkaConfiguration(file.connections.kafka, localBroker: true),
            apiToken: Secret(token), crm: file.connections.crm.kind, instance: file.instance, initialConfigs: initial)
        settings.sampleInterval = .milliseconds(200)
        settings.crmConnection = file.connections.crm
        settings.mappingCheckTimeout = .seconds(5)
        let server = try await ControlServer.prepare(settings: settings, logger: ControlHarness.logger)
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
        return StackControl(stack: stack, baseURL: "http://127.0.0.1:\(port)", token: token, task: task)
    }

    /// Runs `body` with the started control service, then stops it and the roles,
    /// whatever happens.
    static func with(_ stack: TestStack, _ body: (StackControl) async throws -> Void) async throws {
        let control = try await start(stack)
        do {
            try await body(control)
            await control.stop()
        } catch {
            await control.stop()
            throw error
        }
    }

    /// One reader and one writer of crm-to-campaign, each its own process.
    func startRoles() throws {
        roles.append(try stack.spawn("IngressService", ["reader"]))
        roles.append(try stack.spawn("IngressService", ["writer"]))
    }

    func stop() async {
        roles.forEach { $0.terminate() }
        task.cancel()
        _ = try? await task.value
    }

    deinit {
        roles.forEach { $0.kill() }
    }

    var logs: String {
        roles.map { "--- \($0.name):\n" + $0.log.split(separator: "\n").suffix(30).joined(separator: "\n") }.joined(separator: "\n")
    }

    var cli: CLIRunner {
        CLIRunner(environment: ["CRMBRIDGE_CONTROL_URL": baseURL, "CRMBRIDGE_API_TOKEN": token, "PATH": "/usr/bin:/bin"])
    }

    // MARK: The API

    func call(_ method: String, _ path: String, yaml: String? = nil) async throws -> ControlHarness.Answer {
        var headers: HTTPHeaders = ["Authorization": "Bearer \(token)"]
        if yaml != nil { headers.add("Content-Type", "application/yaml") }
        let response = try await stack.http.execute(
            HTTPRequest(method: method, url: baseURL + path, headers: headers, body: yaml.map { Array($0.utf8) }, timeout: .seconds(30)))
        return ControlHarness.Answer(status: response.status, text: response.bodyText, headers: response.headers)
    }

    func workflow() async throws -> [String: any Sendable] {
        let answer = try await call("GET", "/api/workflows/crm-to-campaign")
        guard answer.status == 200 else { throw HarnessError("GET workflow answered \(answer.status): \(answer.text)") }
        return answer.object
    }

    /// Polls crm-to-campaign until `condition` holds on its JSON item; the roles' logs
    /// go into the error when it never does.
    @discardableResult
    func waitFor(_ what: String, timeout: Duration = .seconds(60),
                 _ condition: ([String: any Sendable]) -> Bool) async throws -> [String: any Sendable] {
        var last: [String: any Sendable] = [:]
        do {
            try await eventually(what, timeout: timeout, interval: .milliseconds(250)) {
                last = try await workflow()
                return condition(last)
            }
        } catch {
            throw HarnessError("\(error); last: \(last)\n\(logs)")
        }
        return last
    }
}
