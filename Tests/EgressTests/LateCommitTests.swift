import Config
import Foundation
import PostgresBridge
import TestSupport
import Testing
import WorkflowRuntime

extension EgressEndToEnd {
    /// Sequence ids commit out of order: an inserting transaction held open while later
    /// events commit must not be skipped. The reader waits below the horizon, shows that
    /// it is held back, and sends every event once after the commit.
    @Suite struct LateCommitTests {
        @Test(arguments: [CRMKind.dynamics, .salesforce])
        func anEventCommittedLateArrivesOnceWithTheOthers(crm: CRMKind) async throws {
            let stack = try await EgressRoles.stack(crm, horizonWarningAfter: "1s")
            let contacts = try await EmailEventFixture.contacts(stack, count: 10)
            let roles = try await EgressRoles.start(stack)
            defer { roles.stop() }
            try await stack.waitForRole(.campaignToCRM, "reader", .running)

            // Event 1 is inserted first but its transaction stays open.
            let held = try await stack.connect()
            try await held.executeScript("BEGIN")
            try await EmailEventFixture.insert(1...1, contacts: contacts, on: held)
            try await stack.withDatabase { try await EmailEventFixture.insert(2...500, contacts: contacts, on: $0) }

            // The reader sees 499 committed events behind the open transaction, says so,
            // and publishes none of them while it is open.
            try await roles.waitUntil("the reader to report the held-back horizon") {
                try await stack.heartbeats(.campaignToCRM).contains { $0.role == "reader" && ($0.lastError ?? "").contains("held back 499") }
            }
            #expect(try await EmailEventFixture.count(stack) == 0)
            #expect(try await stack.option("LASTEXPORT_test_campaign-to-crm_email-events") == nil)
            #expect(try await stack.status(.campaignToCRM)?.status == .running)

            try await held.executeScript("COMMIT")
            await held.close()
            try await roles.waitUntil("500 email events in \(crm.rawValue)") { try await EmailEventFixture.count(stack) >= 500 }
            try await roles.waitUntil("the writer to commit everything") { try await roles.writerLag() == 0 }
            let written = try await EmailEventFixture.inCRM(stack)
            #expect(written.records == 500)
            #expect(written.duplicates.isEmpty)
            #expect(written.events[1] == EmailEventFixture.Expected(id: 1, contacts: contacts))
            #expect(Set(written.events.keys) == Set(1...500))
            try await roles.waitUntil("the warning to clear") {
                try await stack.heartbeats(.campaignToCRM).contains { $0.role == "reader" && $0.state == .running && $0.lastError == nil }
            }
        }
    }
}
