import Config
import Foundation
import KafkaBridge
import TestSupport
import Testing
import WorkflowRuntime

extension EgressEndToEnd {
    /// A writer killed with SIGKILL loses no event (offsets are committed only after the CRM
    /// answered for every record of the poll) and makes no second record (a re-delivered
    /// event is an upsert by its id): counted through the CRM's own API.
    @Suite struct WriterCrashTests {
        static let events = 2_000

        /// Events 1…`events` published by the reader before any writer runs.
        static func published(_ crm: CRMKind, batchSize: Int) async throws -> (TestStack, EgressRoles, [String]) {
            let stack = try await EgressRoles.stack(crm, batchSize: batchSize)
            let contacts = try await EmailEventFixture.contacts(stack, count: 20)
            try await stack.startWorkflow(.campaignToCRM)
            let roles = EgressRoles(stack: stack)
            try roles.add("reader")
            try await stack.withDatabase { try await EmailEventFixture.insert(1...Self.events, contacts: contacts, on: $0) }
            try await roles.waitUntil("the reader to publish every event") {
                try await stack.option("LASTEXPORT_test_campaign-to-crm_email-events")?.hasSuffix(":\(Self.events)") == true
            }
            return (stack, roles, contacts)
        }

        /// A fresh writer drains the topic; every event is in the CRM once, field for field.
        static func expectEveryEventOnce(_ stack: TestStack, _ roles: EgressRoles, contacts: [String], total: Int = events) async throws {
            try roles.add("writer")
            try await roles.waitUntil("the new writer to commit everything") { try await roles.writerLag() == 0 }
            let written = try await EmailEventFixture.inCRM(stack)
            #expect(written.records == total)
            #expect(written.duplicates.isEmpty, "event ids written twice: \(written.duplicates.prefix(5))")
            let wrong = (1...total).filter { written.events[$0] != EmailEventFixture.Expected(id: $0, contacts: contacts) }
            #expect(wrong.isEmpty, "\(wrong.count) events missing or different, e.g. \(wrong.prefix(5))")
        }

        /// The CRM answers slowly (every call waits 1.5 s), so the writer's poll of 4 calls
        /// is killed after its first call landed and before the others: part of the batch
        /// is in the CRM, none of it committed.
        @Test(arguments: [CRMKind.dynamics, .salesforce])
        func aWriterKilledMidBatchLosesNothingAndDuplicatesNothing(crm: CRMKind) async throws {
            let batchSize = 50
            let (stack, roles, contacts) = try await Self.published(crm, batchSize: batchSize)
            defer { roles.stop() }
            try await stack.admin("PUT", "/admin/faults", json: #"{"addedLatencyMilliseconds":1500}"#)
            try roles.add("writer")
            try await roles.waitUntil("the first call of the writer's batch to land", interval: .milliseconds(20)) {
                try await EmailEventFixture.adminCount(stack) >= batchSize
            }
            roles.writer.kill()
            try await stack.admin("PUT", "/admin/faults", json: "{}")

            let inCRM = try await EmailEventFixture.adminCount(stack)
            #expect(inCRM < Self.events, "the writer was killed before the end")
            let committed = try await roles.committedOffsets()
            let redelivered = try await EmailEventFixture.writtenButUncommitted(stack, committed: committed)
            #expect(redelivered > 0, "the written part of the batch is not committed (committed \(committed), \(inCRM) in the CRM)")
            try await Self.expectEveryEventOnce(stack, roles, contacts: contacts)
        }

        /// The writer is stopped after the CRM answered for the whole poll and before its
        /// offset commit: the poll holds an event whose contact does not exist, whose reject
        /// it must publish first, and the rejects topic has no leader. Killed there, the next
        /// writer gets the whole batch again: no second record, and the reject once.
        @Test(arguments: [CRMKind.dynamics, .salesforce])
        func aWriterKilledBetweenTheCRMAnswerAndItsOffsetCommitDuplicatesNothing(crm: CRMKind) async throws {
            let stack = try await EgressRoles.stack(crm, batchSize: 100)
            let contacts = try await EmailEventFixture.contacts(stack, count: 20)
            let roles = try await EgressRoles.start(stack)
            defer { roles.stop() }
            try await stack.waitForRole(.campaignToCRM, "writer", .running)  // its topics exist
            stack.kafka.setTopicError(Topics.rejects(.campaignToCRM), .leaderNotAvailable)
            let missingContact = crm == .dynamics ? "0b9e3f4c-1d2e-4f60-8a7b-9c0d1e2f3a4b" : "003000000000999AAA"
            try await stack.withDatabase { database in
                try await EmailEventFixture.insert(1...299, contacts: contacts, on: database)
                try await database.executeScript("""
                    INSERT INTO email_events (id, event_type, crm_id, occurred_at) VALUES (300, 'open', '\(missingContact)', now());
                    """)
            }
            // The reject's row can be recorded before the poll's other events are in the CRM:
            // wait for both, so the kill lands after the CRM answered (the commit cannot
            // happen while the rejects topic has no leader).
            try await roles.waitUntil("the CRM to answer the batch and its reject to be recorded", interval: .milliseconds(20)) {
                guard try await stack.count("SELECT count(*) FROM crmbridge.rejects WHERE workflow = 'campaign-to-crm'") == 1 else {
                    return false
                }
                return try await EmailEventFixture.writtenButUncommitted(stack, committed: try await roles.committedOffsets()) > 0
            }
            roles.writer.kill()
            stack.kafka.setTopicError(Topics.rejects(.campaignToCRM), nil)

            let committed = try await roles.committedOffsets()
            let redelivered = try await EmailEventFixture.writtenButUncommitted(stack, committed: committed)
            #expect(redelivered > 0, "events in the CRM are re-delivered (committed \(committed))")
            try await Self.expectEveryEventOnce(stack, roles, contacts: contacts, total: 299)
            #expect(try await stack.count("SELECT count(*) FROM crmbridge.rejects WHERE workflow = 'campaign-to-crm' AND record_id = '300'") == 1)
            let topic = try await stack.messages(Topics.rejects(.campaignToCRM))
            #expect(topic.map { $0.key.map { String(decoding: $0, as: UTF8.self) } }.contains("300"))
        }
    }
}
