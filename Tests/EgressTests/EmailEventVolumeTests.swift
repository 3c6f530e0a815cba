import Config
import Foundation
import KafkaBridge
import TestSupport
import Testing
import WorkflowRuntime

extension EgressEndToEnd {
    /// Email events inserted into Campaign become exactly one CRM record each, field for
    /// field with the contact linked, read back through the CRM's own API; a replay of
    /// the topic from earliest upserts them again and creates none. The issue's 20,000
    /// events run with `CRMBRIDGE_TEST_PROFILE=full` (`TestProfile`); `make test` runs 2,000.
    @Suite struct EmailEventVolumeTests {
        static let events = TestProfile.size(short: 2_000, full: 20_000)
        /// Time to write them all: generous for a shared 2-core machine (no speed is
        /// asserted here; `make bench` measures it).
        static let timeout = Duration.seconds(90 + events / 50)

        @Test(arguments: [CRMKind.dynamics, .salesforce])
        func everyEventBecomesOneRecordAndAReplayCreatesNoMore(crm: CRMKind) async throws {
            let stack = try await EgressRoles.stack(crm)
            let contacts = try await EmailEventFixture.contacts(stack, count: 40)
            try #require(contacts.count >= 30, "the emulator seeded \(contacts.count) contacts")
            let roles = try await EgressRoles.start(stack)
            defer { roles.stop() }

            try await stack.withDatabase { try await EmailEventFixture.insert(1...Self.events, contacts: contacts, on: $0) }
            try await roles.waitUntil("\(Self.events) email events in \(crm.rawValue)", timeout: Self.timeout, interval: .seconds(1)) {
                try await EmailEventFixture.adminCount(stack) >= Self.events
            }
            let written = try await EmailEventFixture.inCRM(stack)
            #expect(written.records == Self.events)
            #expect(written.duplicates.isEmpty, "event ids written twice: \(written.duplicates.prefix(5))")
            let wrong = (1...Self.events).filter { written.events[$0] != EmailEventFixture.Expected(id: $0, contacts: contacts) }
            #expect(wrong.isEmpty, "\(wrong.count) events differ, e.g. \(wrong.prefix(3).map { "\($0): \(written.events[$0].map(\.description) ?? "missing") vs \(EmailEventFixture.Expected(id: $0, contacts: contacts))" })")
            try await roles.waitUntil("the writer to commit everything", timeout: Self.timeout) { try await roles.writerLag() == 0 }
            let cursor = try await stack.option("LASTEXPORT_test_campaign-to-crm_email-events")
            #expect(cursor?.hasSuffix(":\(Self.events)") == true, "cursor \(cursor ?? "nil") is past the last event")

            // Replay: Stop, move the writer group to the earliest offsets, Start.
            try await stack.stopWorkflow(.campaignToCRM)
            try await stack.waitForRole(.campaignToCRM, "writer", .idle)
            let admin = try KafkaAdmin(configuration: stack.kafkaConfiguration(), logger: TestKafka.logger)
            _ = try await admin.resetOffsets(group: Topics.writerGroup(.campaignToCRM), topic: Topics.emailEvents, to: .earliest)
            #expect(try await roles.writerLag() == Int64(Self.events), "the whole topic is to be written again")
            try await stack.startWorkflow(.campaignToCRM)
            try await roles.waitUntil("the replay to be written", timeout: Self.timeout, interval: .seconds(1)) { try await roles.writerLag() == 0 }
            let replayed = try await EmailEventFixture.inCRM(stack)
            #expect(replayed.records == Self.events)
            #expect(replayed.events == written.events)
        }
    }
}
