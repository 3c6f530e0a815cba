import Config
import Foundation
import KafkaBridge
import PostgresBridge
import TestSupport
import Testing
import WorkflowRuntime

/// The campaign-to-crm roles of one test, each its own process, as `make run` starts them.
final class EgressRoles: @unchecked Sendable {
    let stack: TestStack
    private(set) var processes: [RoleProcessHandle] = []

    init(stack: TestStack) {
        self.stack = stack
    }

    /// A stack whose campaign-to-crm reads `email_events` every second.
    /// - Parameter batchSize: records per CRM call (default the CRM's most).
    ///   - exportsYAML: `exports:` / `deletes:` of the workflow, indented by four spaces.
    static func stack(
        _ crm: CRMKind, prepare: String? = nil, horizonWarningAfter: String = "5m", batchSize: Int? = nil,
        emailEvents: Bool = true, exportsYAML: String = ""
    ) async throws -> TestStack {
        let stack = try await TestStack.start(crm: crm, workflowsYAML: """
              campaign-to-crm:
                emailEvents:
                  enabled: \(emailEvents)
                  interval: 500ms
                  batchSize: \(batchSize ?? (crm == .dynamics ? 1000 : 200))
                  horizonWarningAfter: \(horizonWarningAfter)
            \(exportsYAML)
            """, prepare: prepare)
        if crm == .dynamics {
            // Each `$batch` operation counts against the 6000 requests per 5 minutes; a
            // test writes more than that with its replay.
            try await stack.admin("PUT", "/admin/dynamics/limits", json: #"{"requests":1000000,"executionTimeMilliseconds":1200000000,"concurrentRequests":52,"windowSeconds":300}"#)
        }
        return stack
    }

    /// Presses Start and starts one reader and one writer.
    static func start(_ stack: TestStack) async throws -> EgressRoles {
        try await stack.startWorkflow(.campaignToCRM)
        let roles = EgressRoles(stack: stack)
        try roles.add("reader")
        try roles.add("writer")
        return roles
    }

    @discardableResult
    func add(_ role: String, arguments: [String] = []) throws -> RoleProcessHandle {
        let process = try stack.spawn("EgressService", [role] + arguments)
        processes.append(process)
        return process
    }

    /// The last writer started.
    var writer: RoleProcessHandle {
        processes.last { $0.name.hasPrefix("EgressService-writer") }!
    }

    func stop() {
        processes.forEach { $0.terminate() }
    }

    var logs: String {
        processes.map { "--- \($0.name) (pid \($0.pid)):\n" + $0.log.split(separator: "\n").suffix(40).joined(separator: "\n") }
            .joined(separator: "\n")
    }

    /// `eventually`, recording the roles' logs when it times out.
    func waitUntil(
        _ what: String, timeout: Duration = .seconds(90), interval: Duration = .milliseconds(300), _ condition: () async throws -> Bool
    ) async throws {
        do {
            try await eventually(what, timeout: timeout, interval: interval, condition)
        } catch {
            Issue.record("roles' logs:\n\(logs)")
            throw error
        }
    }

    /// Records the writer group has not committed yet over the email-events topic.
    func writerLag(topics: [String] = [Topics.emailEvents]) async throws -> Int64 {
        let admin = try KafkaAdmin(configuration: stack.kafkaConfiguration(), logger: TestKafka.logger)
        return try await admin.lag(group: Topics.writerGroup(.campaignToCRM), topics: topics).total
    }

    /// The writer group's committed offsets on the email-events topic (absent: never committed).
    func committedOffsets() async throws -> [Int32: Int64] {
        let admin = try KafkaAdmin(configuration: stack.kafkaConfiguration(), logger: TestKafka.logger)
        return try await admin.committedOffsets(group: Topics.writerGroup(.campaignToCRM), topic: Topics.emailEvents)
    }

    deinit {
        processes.forEach { $0.kill() }
    }
}

/// Every end-to-end test of campaign-to-crm, one after the other: each starts several processes.
@Suite(.serialized) enum EgressEndToEnd {}
