import Config
import Foundation
import KafkaBridge
import TestSupport
import Testing
import WorkflowRuntime

/// The opt-in-out roles of one test, each its own process, as `make run` starts them.
final class OptOutRoles: @unchecked Sendable {
    let stack: TestStack
    private(set) var processes: [RoleProcessHandle] = []

    init(stack: TestStack) {
        self.stack = stack
    }

    /// A stack whose opt-in-out runs in `mode`, polling every half second.
    static func stack(_ crm: CRMKind, mode: String) async throws -> TestStack {
        let stack = try await TestStack.start(crm: crm, workflowsYAML: """
              opt-in-out:
                mode: \(mode)
                interval: 500ms
                lookBack: 2s
            """)
        if crm == .dynamics {
            try await stack.admin("PUT", "/admin/dynamics/limits", json: #"{"requests":1000000,"executionTimeMilliseconds":1200000000,"concurrentRequests":52,"windowSeconds":300}"#)
        }
        return stack
    }

    /// Presses Start and starts the three roles; returns once each reports RUNNING.
    static func start(_ stack: TestStack) async throws -> OptOutRoles {
        try await stack.startWorkflow(.optInOut)
        let roles = OptOutRoles(stack: stack)
        for role in WorkflowName.optInOut.roles { try roles.add(role) }
        for role in WorkflowName.optInOut.roles {
            do {
                try await stack.waitForRole(.optInOut, role, .running, timeout: .seconds(90))
            } catch {
                Issue.record("roles' logs:\n\(roles.logs)")
                throw error
            }
        }
        return roles
    }

    func add(_ role: String) throws {
        processes.append(try stack.spawn("OptOutService", [role]))
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

    /// Records the writer group has not committed yet over both topics.
    func writerLag() async throws -> Int64 {
        let admin = try KafkaAdmin(configuration: stack.kafkaConfiguration(), logger: TestKafka.logger)
        return try await admin.lag(
            group: Topics.writerGroup(.optInOut), topics: [Topics.optOutFromCRM, Topics.optOutFromCampaign]).total
    }

    deinit {
        processes.forEach { $0.kill() }
    }
}

/// Every end-to-end test of opt-in-out, one after the other: each starts several processes.
@Suite(.serialized) enum OptOutEndToEnd {}
