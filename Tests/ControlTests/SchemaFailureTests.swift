@testable import ControlService
import Foundation
import PostgresBridge
import TestSupport
import Testing
import WorkflowRuntime

/// A role that checks its mapped Campaign column before and while it writes, and
/// reports through `HeartbeatStore` as a role process does: FAILED naming the column
/// when it is gone, until Start is pressed again.
private actor ColumnCheckingWriter {
    let database: PostgresConnection
    let table: String
    let column: String
    private var failedStart: Date??
    private(set) var ticks = 0

    init(database: PostgresConnection, table: String, column: String) {
        self.database = database
        self.table = table
        self.column = column
    }

    func tick() async throws {
        ticks += 1
        let heartbeats = HeartbeatStore(database: database)
        guard let record = try await WorkflowStore(database: database).get(.crmToCampaign),
              record.desiredState == .running, let version = record.runningVersion else { return }
        try await heartbeats.beat(workflow: .crmToCampaign, role: "reader", instance: "r1", state: .running,
                                  configVersion: version, lastError: nil)
        if let failedStart, failedStart == record.startedAt {
            try await heartbeats.beat(workflow: .crmToCampaign, role: "writer", instance: "w1", state: .failed,
                                      configVersion: version, lastError: "mapped column \(table).\(column) is missing in Campaign")
            return
        }
        let rows = try await database.query(
            "SELECT count(*) AS n FROM information_schema.columns WHERE table_name = $1 AND column_name = $2", [table, column])
        if try rows.int(0, "n") == 1 {
            try await heartbeats.beat(workflow: .crmToCampaign, role: "writer", instance: "w1", state: .running,
                                      configVersion: version, lastError: nil)
        } else {
            failedStart = .some(record.startedAt)
            try await tick()
        }
    }
}

@Suite("FAILED when a mapped Campaign column disappears")
struct SchemaFailureTests {
    @Test func failedNamingTheColumnThenRunningAfterItIsRestoredAndStartIsPressed() async throws {
        try await ControlHarness.with { harness in
            let writer = ColumnCheckingWriter(database: harness.roleDatabase, table: "profiles", column: "email")
            let role = Task {
                while !Task.isCancelled {
                    try? await writer.tick()
                    try? await Task.sleep(for: .milliseconds(100))
                }
            }
            defer { role.cancel() }

            _ = try await harness.call("POST", "/api/workflows/crm-to-campaign/start")
            try await harness.waitFor(.crmToCampaign, "RUNNING") { $0["status"] as? String == "RUNNING" }

            try await harness.roleDatabase.execute("ALTER TABLE profiles DROP COLUMN email", [])
            let failed = try await harness.waitFor(.crmToCampaign, "FAILED") { $0["status"] as? String == "FAILED" }
            #expect(failed["lastError"] as? String == "writer: mapped column profiles.email is missing in Campaign")

            try await harness.roleDatabase.execute("ALTER TABLE profiles ADD COLUMN email text", [])
            let restoredAt = await writer.ticks
            try await TestKafka.waitUntil(timeout: .seconds(10), "the role to look again") { await writer.ticks >= restoredAt + 3 }
            #expect(try await harness.workflow(.crmToCampaign)["status"] as? String == "FAILED", "a fix alone does not restart")

            let start = try await harness.call("POST", "/api/workflows/crm-to-campaign/start")
            #expect(start.status == 202)
            try await harness.waitFor(.crmToCampaign, "RUNNING again") { $0["status"] as? String == "RUNNING" }
        }
    }
}
