import CoreValues
import Foundation
import TestSupport
import Testing
import WorkflowRuntime

extension IngressEndToEnd {
    /// A writer killed with SIGKILL loses nothing (offsets are committed only after the
    /// database transaction) and applies nothing twice (re-delivered records are not
    /// newer than the rows, so the newer-wins upsert changes nothing).
    @Suite struct WriterCrashTests {
        static let count = 20_000
        static let contacts = TestEntity.contact(.dynamics).with { $0.deletes = false }

        static func makeStack(seed: Int = count) async throws -> TestStack {
            let stack = try await TestStack.start(crm: .dynamics, workflowsYAML: TestEntity.workflow([contacts]), prepare: ApplyCounter.sql)
            try await stack.seed("contacts", count: seed)
            try await stack.startWorkflow(.crmToCampaign)
            return stack
        }

        /// Restarts a writer, waits for every record, and checks each was applied once.
        static func expectEveryRecordAppliedOnce(_ stack: TestStack, _ roles: IngressRoles) async throws {
            try roles.addWriter()
            try await roles.waitForRows(contacts, count, timeout: .seconds(120))
            try await roles.waitUntil("the writers to drain the topic") { try await roles.writerLag([contacts]) == 0 }
            let totals = try await ApplyCounter.totals(stack)
            #expect(totals == .init(records: count, applications: count, most: 1), "\(totals)")
        }

        @Test func aWriterKilledMidTransactionLosesNothing() async throws {
            let stack = try await Self.makeStack()
            let roles = IngressRoles(stack: stack)
            defer { roles.stop() }
            try await stack.withDatabase { database in
                try await database.transaction { tx in
                    // The writer's INSERT waits on this lock, inside its open transaction.
                    try await tx.execute("LOCK TABLE profiles IN SHARE MODE", [])
                    try roles.addReader()
                    try roles.addWriter()
                    try await roles.waitUntil("the writer's batch to wait on the lock") {
                        try await stack.count(
                            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO \"profiles\"%'") == 1
                    }
                    roles.writer.kill()
                }
            }
            #expect(try await ApplyCounter.totals(stack).records == 0, "the killed transaction wrote nothing")
            try await Self.expectEveryRecordAppliedOnce(stack, roles)
        }

        /// The writer is stopped between its database commit and its offset commit: the
        /// batch holds a bad message whose reject it must publish first, and the rejects
        /// topic has no leader. Killed there, the next writer gets the whole batch again.
        @Test func aWriterKilledBeforeItsOffsetCommitAppliesNothingTwice() async throws {
            let stack = try await Self.makeStack(seed: 5_000)
            let roles = try await IngressRoles.start(stack)
            defer { roles.stop() }
            try await roles.waitForRows(Self.contacts, 5_000)
            try await roles.waitUntil("the writer to drain the topic") { try await roles.writerLag([Self.contacts]) == 0 }

            let rejectsTopic = Topics.rejects(.crmToCampaign)
            stack.kafka.setTopicError(rejectsTopic, .leaderNotAvailable)
            let now = Date()
            var batch = (0..<3_000).map { index in
                let envelope = Envelope(op: .upsert, system: .dynamics, entity: "contact", id: "hand-\(index)", modifiedAt: now,
                                        fields: ["lastname": .string("By hand \(index)")])
                return (key: envelope.id, value: envelope.encoded())
            }
            batch.insert((key: "broken", value: Array("{\"schema\":1,\"op\":".utf8)), at: 1_500)
            try await stack.produce(Self.contacts.topic, batch)
            try await roles.waitUntil("the bad message's batch committed in Campaign", interval: .milliseconds(20)) {
                try await stack.count("SELECT count(*) FROM crmbridge.rejects") == 1
            }
            roles.writer.kill()
            stack.kafka.setTopicError(rejectsTopic, nil)

            // Records in Campaign whose messages lie past the committed offsets: the next
            // writer gets them again.
            let committed = try await stack.committedOffsets(Self.contacts.topic)
            let applied = Set(try await stack.query("SELECT crm_id FROM apply_log").compactMap { $0["crm_id"] })
            let redelivered = try await stack.messages(Self.contacts.topic).filter { message in
                message.offset >= committed[message.partition, default: 0]
                    && applied.contains(String(decoding: message.key ?? [], as: UTF8.self))
            }
            #expect(redelivered.count > 0, "applied records are re-delivered")

            try roles.addWriter()
            try await roles.waitForRows(Self.contacts, 8_000)
            try await roles.waitUntil("the writers to drain the topic") { try await roles.writerLag([Self.contacts]) == 0 }
            let totals = try await ApplyCounter.totals(stack)
            #expect(totals == .init(records: 8_000, applications: 8_000, most: 1), "\(totals)")
            #expect(try await stack.count("SELECT count(*) FROM crmbridge.rejects WHERE record_id = 'broken'") == 1)
        }
    }
}
