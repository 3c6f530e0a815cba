import Foundation
import TestSupport
import Testing

extension IngressEndToEnd {
    /// The reader advances LASTIMPORT only once every record of the window is in Kafka,
    /// and one reader is active per workflow: a standby takes over when it dies.
    @Suite struct ReaderCrashTests {
        static let contacts = TestEntity.contact(.dynamics).with { $0.deletes = false; $0.pageSize = 500 }

        @Test func aReaderKilledMidWindowLeavesTheOptionWhereItWas() async throws {
            let stack = try await TestStack.start(crm: .dynamics, workflowsYAML: TestEntity.workflow([Self.contacts]))
            let count = 20_000
            try await stack.seed("contacts", count: count)
            // An operator moved the option back: the next window reads every record.
            let before = "2000/01/01 00:00:00"
            let option = stack.lastImportName("contact")
            try await stack.setOption(option, before)
            // Each page of 500 now takes 200 ms more: the window lasts seconds.
            try await stack.admin("PUT", "/admin/faults", json: #"{"addedLatencyMilliseconds": 200}"#)
            let roles = try await IngressRoles.start(stack)
            defer { roles.stop() }
            try await roles.waitUntil("part of the window in Campaign") {
                try await stack.count("SELECT count(*) FROM profiles") > 1_000
            }
            roles.reader.kill()

            let published = try await stack.messages(Self.contacts.topic).count
            #expect(published < count, "the window was cut short (\(published) of \(count) published)")
            #expect(try await stack.option(option) == before, "the option did not advance past unpublished records")
            // What was published is in Campaign; the rest comes with the next reader.
            try await roles.waitUntil("the writer to drain the topic") { try await roles.writerLag([Self.contacts]) == 0 }
            #expect(try await stack.count("SELECT count(*) FROM profiles") < count)

            try await stack.admin("PUT", "/admin/faults", json: "{}")
            try roles.addReader()
            try await roles.waitForRows(Self.contacts, count)
            try await roles.waitForWindow(Self.contacts, after: Date().addingTimeInterval(-2))
            let comparison = try await CampaignComparison.compare(stack, Self.contacts)
            #expect(comparison.isEqual, "\(comparison.problems)")
        }

        @Test func aStandbyReaderTakesOverWhenTheActiveOneIsKilled() async throws {
            let stack = try await TestStack.start(crm: .dynamics, workflowsYAML: TestEntity.workflow([Self.contacts]))
            try await stack.seed("contacts", count: 100)
            let roles = try await IngressRoles.start(stack, readers: 2)
            defer { roles.stop() }
            try await roles.waitForRows(Self.contacts, 100)
            let active = try await stack.waitForRole(.crmToCampaign, "reader", .running)
            let standby = try await stack.waitForRole(.crmToCampaign, "reader", .starting)
            #expect(active.instance != standby.instance)
            let activeProcess = try #require(roles.readers.first { active.instance.hasSuffix("-\($0.pid)") })
            let standbyProcess = try #require(roles.readers.first { standby.instance.hasSuffix("-\($0.pid)") })
            #expect(standbyProcess.log.contains("standing by"))

            activeProcess.kill()
            try await stack.waitForRole(.crmToCampaign, "reader", .running, timeout: .seconds(30)) { $0.instance == standby.instance }
            #expect(standbyProcess.log.contains("standby took over"))
            let id = try await stack.crmAPI.create("contacts", TestRecords.contact(.dynamics, first: "After", last: "Takeover", email: nil))
            try await roles.waitUntil("the record created after the takeover") {
                try await stack.rowCount(Self.contacts, ids: [id]) == 1
            }
        }
    }
}
