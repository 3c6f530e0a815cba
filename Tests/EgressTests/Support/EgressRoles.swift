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
    static func stack(_ crm: CRMKind, prepare: String? = nil, horizonWarningAfter: String = "5m") async throws -> TestStack {
        let stack = try await TestStack.start(crm: crm, workflowsYAML: """
              campaign-to-crm:
                emailEvents:
                  enabled: true
                  interval: 500ms
                  batchSize: \(crm == .dynamics ? 1000 : 200)
                  horizonWarningAfter: \(horizonWarningAfter)
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

    /// - Parameter arguments: added after the role (e.g. `--metrics-port`).
    func add(_ role: String, arguments: [String] = []) throws {
        processes.append(try stack.spawn("EgressService", [role] + arguments))
    }

    func stop() {
        processes.forEach { $0.terminate() }
    }

    var logs: String {
        processes.map { "--- \($0.name) (pid \($0.pid)):\n" + $0.log.split(separator: "\n").suffix(40).joined(separator: "\n") }
            .joined(separator: "\n")
    }

    /// `eventually`, recording the roles' logs when it times out.
    func waitUntil(_ what: String, timeout: Duration = .seconds(90), _ condition: () async throws -> Bool) async throws {
        do {
            try await eventually(what, timeout: timeout, interval: .milliseconds(300), condition)
        } catch {
            Issue.record("roles' logs:\n\(logs)")
            throw error
        }
    }

    /// Records the writer group has not committed yet over the email-events topic.
    func writerLag() async throws -> Int64 {
        let admin = try KafkaAdmin(configuration: stack.kafkaConfiguration(), logger: TestKafka.logger)
        return try await admin.lag(group: Topics.writerGroup(.campaignToCRM), topics: [Topics.emailEvents]).total
    }

    deinit {
        processes.forEach { $0.kill() }
    }
}

/// Every end-to-end test of campaign-to-crm, one after the other: each starts several processes.
@Suite(.serialized) enum EgressEndToEnd {}
