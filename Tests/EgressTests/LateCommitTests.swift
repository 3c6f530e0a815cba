import Config
import Foundation
import PostgresBridge
import TestSupport
import Testing
import WorkflowRuntime

extension EgressEndToEnd {
    /// Sequence ids commit out of order: an inserting transaction held open while later
    /// events commit must not be skipped. The reader waits below the horizon, shows that
    /// it is held back, and sends every event once after the commit. The issue's size (held
    /// 30 s while 10,000 later events commit) runs with `CRMBRIDGE_TEST_PROFILE=full`;
    /// `make test` holds 499 events for a few seconds.
    @Suite struct LateCommitTests {
        /// Events committed while the first one's transaction stays open.
        static let later = TestProfile.size(short: 499, full: 10_000)
        /// How long the reader must have reported them held back before the commit.
        static let heldSeconds = TestProfile.size(short: 2, full: 30)
        static let timeout = Duration.seconds(90 + later / 50)

        @Test(arguments: [CRMKind.dynamics, .salesforce])
        func anEventCommittedLateArrivesOnceWithTheOthers(crm: CRMKind) async throws {
            let total = Self.later + 1
            let stack = try await EgressRoles.stack(crm, horizonWarningAfter: "1s")
            let contacts = try await EmailEventFixture.contacts(stack, count: 10)
            let roles = try await EgressRoles.start(stack)
            defer { roles.stop() }
            try await stack.waitForRole(.campaignToCRM, "reader", .running)

            // Event 1 is inserted first but its transaction stays open.
            let held = try await stack.connect()
            try await held.executeScript("BEGIN")
            try await EmailEventFixture.insert(1...1, contacts: contacts, on: held)
            try await stack.withDatabase { try await EmailEventFixture.insert(2...total, contacts: contacts, on: $0) }

            // The reader sees every later event committed behind the open transaction, says
            // so (for as long as the profile holds it), and publishes none of them meanwhile.
            var reported = ""
            try await roles.waitUntil("the reader to report the held-back horizon for \(Self.heldSeconds)s, last: \(reported)",
                                      timeout: .seconds(90 + Self.heldSeconds)) {
                let reasons = try await stack.heartbeats(.campaignToCRM).filter { $0.role == "reader" }.compactMap(\.lastError)
                reported = reasons.joined(separator: "; ")
                return reasons.contains { $0.contains("held back \(Self.later) ") && Self.seconds(in: $0) >= Self.heldSeconds }
            }
            #expect(try await EmailEventFixture.adminCount(stack) == 0)
            #expect(try await stack.option("LASTEXPORT_test_campaign-to-crm_email-events") == nil)
            #expect(try await stack.status(.campaignToCRM)?.status == .running)

            try await held.executeScript("COMMIT")
            await held.close()
            try await roles.waitUntil("\(total) email events in \(crm.rawValue)", timeout: Self.timeout, interval: .seconds(1)) {
                try await EmailEventFixture.adminCount(stack) >= total
            }
            try await roles.waitUntil("the writer to commit everything", timeout: Self.timeout) { try await roles.writerLag() == 0 }
            let written = try await EmailEventFixture.inCRM(stack)
            #expect(written.records == total)
            #expect(written.duplicates.isEmpty)
            #expect(written.events[1] == EmailEventFixture.Expected(id: 1, contacts: contacts))
            #expect(Set(written.events.keys) == Set(1...total))
            try await roles.waitUntil("the warning to clear") {
                try await stack.heartbeats(.campaignToCRM).contains { $0.role == "reader" && $0.state == .running && $0.lastError == nil }
            }
        }

        /// The seconds of "… for 31s; …" in the reader's warning (0 when absent).
        static func seconds(in warning: String) -> Int {
            guard let range = warning.range(of: #"for (\d+)s"#, options: .regularExpression) else { return 0 }
            return Int(warning[range].dropFirst(4).dropLast()) ?? 0
        }
    }
}
