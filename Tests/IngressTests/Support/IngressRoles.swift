import Config
import Foundation
import KafkaBridge
import TestSupport
import Testing
import WorkflowRuntime

/// The crm-to-campaign roles of one test, each its own process, as `make run` starts them.
final class IngressRoles: @unchecked Sendable {
    let stack: TestStack
    private(set) var readers: [RoleProcessHandle] = []
    private(set) var writers: [RoleProcessHandle] = []

    init(stack: TestStack) {
        self.stack = stack
    }

    /// Presses Start (storing the workflow section as the control service does) and
    /// starts one reader and one writer.
    static func start(_ stack: TestStack, readers: Int = 1, writers: Int = 1) async throws -> IngressRoles {
        try await stack.startWorkflow(.crmToCampaign)
        let roles = IngressRoles(stack: stack)
        for _ in 0..<readers { try roles.addReader() }
        for _ in 0..<writers { try roles.addWriter() }
        return roles
    }

    /// - Parameter arguments: added after the role (e.g. `--metrics-port`).
    @discardableResult
    func addReader(arguments: [String] = []) throws -> RoleProcessHandle {
        let reader = try stack.spawn("IngressService", ["reader"] + arguments)
        readers.append(reader)
        return reader
    }

    @discardableResult
    func addWriter(arguments: [String] = []) throws -> RoleProcessHandle {
        let writer = try stack.spawn("IngressService", ["writer"] + arguments)
        writers.append(writer)
        return writer
    }

    var reader: RoleProcessHandle { readers[0] }
    var writer: RoleProcessHandle { writers[0] }

    /// SIGTERM to every role still running.
    func stop() {
        (readers + writers).forEach { $0.terminate() }
    }

    /// Every role's log without the routine lines of empty windows, for a failure message.
    var logs: String {
        (readers + writers).map { role in
            let lines = role.log.split(separator: "\n").filter { !$0.contains("records=0 ") && !$0.hasSuffix("import window") }
            return "--- \(role.name) (pid \(role.pid)):\n" + lines.suffix(40).joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// `eventually`, recording the roles' logs when it times out.
    func waitUntil(
        _ what: String, timeout: Duration = .seconds(60), interval: Duration = .milliseconds(200),
        _ condition: () async throws -> Bool
    ) async throws {
        do {
            try await eventually(what, timeout: timeout, interval: interval, condition)
        } catch {
            Issue.record("roles' logs:\n\(logs)")
            throw error
        }
    }

    /// Waits until the entity's table holds `count` live rows.
    func waitForRows(_ entity: TestEntity, _ count: Int, timeout: Duration = .seconds(60)) async throws {
        var last = -1
        do {
            try await eventually("\(count) rows in \(entity.table)", timeout: timeout) {
                last = try await CampaignComparison.campaignCount(stack, entity)
                return last == count
            }
        } catch {
            let admin = try KafkaAdmin(configuration: stack.kafkaConfiguration(), logger: TestKafka.logger)
            let lag = try? await admin.lag(group: Topics.writerGroup(.crmToCampaign), topics: [entity.topic])
            let published = lag?.partitions.map { "p\($0.partition): \($0.lowWatermark)-\($0.highWatermark) committed \($0.committed ?? -1)" }
            Issue.record("\(entity.table) had \(last) live rows, not \(count); \(entity.topic): \(published ?? []); roles' logs:\n\(logs)")
            throw error
        }
    }

    /// Waits until the reader completed a window that ended after `date` (its option passed it).
    func waitForWindow(_ entity: TestEntity, after date: Date, timeout: Duration = .seconds(60)) async throws {
        let name = stack.lastImportName(entity.name)
        try await waitUntil("a \(entity.name) window ending after \(LastImportOption.format(date))", timeout: timeout) {
            guard let text = try await stack.option(name), case .success(let end) = LastImportOption.parse(text) else { return false }
            return end > date
        }
    }

    /// The writer group's lag over the entities' topics (records in Kafka not yet in Campaign).
    func writerLag(_ entities: [TestEntity]) async throws -> Int64 {
        let admin = try KafkaAdmin(configuration: stack.kafkaConfiguration(), logger: TestKafka.logger)
        return try await admin.lag(group: Topics.writerGroup(.crmToCampaign), topics: entities.map(\.topic)).total
    }

    /// Waits until everything the CRM held when this was called is in Campaign: a window
    /// of each entity ending after now completed, then the writers drained the topics.
    func waitUntilSynced(_ entities: [TestEntity], timeout: Duration = .seconds(60)) async throws {
        let now = Date()
        for entity in entities { try await waitForWindow(entity, after: now, timeout: timeout) }
        try await waitUntil("the writers to drain the topics", timeout: timeout) { try await writerLag(entities) == 0 }
    }

    deinit {
        (readers + writers).forEach { $0.kill() }
    }
}

/// Every end-to-end test of crm-to-campaign, one after the other: each starts several
/// processes, and timing-sensitive checks (look-back windows) need the machine's cores.
@Suite(.serialized) enum IngressEndToEnd {}
