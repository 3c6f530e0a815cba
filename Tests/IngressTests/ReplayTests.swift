import Foundation
import KafkaBridge
import TestSupport
import Testing
import WorkflowRuntime

extension IngressEndToEnd {
    /// Replays (SPEC §5): the writer group's offsets moved to the earliest with the
    /// workflow stopped, then Start re-applies the topic; and `--resync`, which re-reads
    /// an entity from the CRM on the next start.
    @Suite struct ReplayTests {
        static let contacts = TestEntity.contact(.dynamics)

        /// A stack whose topic holds old versions, newer ones and deletes, all applied.
        static func syncedWithHistory() async throws -> (TestStack, IngressRoles) {
            let stack = try await TestStack.start(crm: .dynamics, workflowsYAML: TestEntity.workflow([contacts]), prepare: ApplyCounter.sql)
            try await stack.seed("contacts", count: 2_000)
            let roles = try await IngressRoles.start(stack)
            try await roles.waitForRows(contacts, 2_000)
            let ids = try await stack.query("SELECT crm_id FROM profiles ORDER BY crm_id LIMIT 6").compactMap { $0["crm_id"] }
            for id in ids.prefix(4) {
                try await stack.crmAPI.update("contacts", id: id, ["lastname": "Replayed \(id.prefix(4))", "emailaddress1": "new@example.com"])
            }
            for id in ids.suffix(2) { try await stack.crmAPI.delete("contacts", id: id) }
            try await roles.waitForRows(contacts, 1_998)
            try await roles.waitUntilSynced([contacts])
            let comparison = try await CampaignComparison.compare(stack, contacts)
            #expect(comparison.isEqual, "\(comparison.problems)")
            return (stack, roles)
        }

        /// Every row with its values (and, when asked, its version: xmin changes on any rewrite).
        static func snapshot(_ stack: TestStack, withVersions: Bool) async throws -> [String] {
            let version = withVersions ? "xmin::text || ' ' || " : ""
            return try await stack.query("""
                SELECT \(version)row(crm_id, first_name, last_name, email, phone, birth_date, crm_created_at, crm_state,
                           blocklisted, blocklisted_at, crm_modified_at, crm_deleted)::text AS line
                FROM profiles ORDER BY crm_id
                """).compactMap { $0["line"] }
        }

        /// Stop, move the writer group to the earliest offsets, Start; waits until re-applied.
        static func replayFromEarliest(_ stack: TestStack, _ roles: IngressRoles, beforeStart: () async throws -> Void = {}) async throws {
            try await stack.stopWorkflow(.crmToCampaign)
            try await stack.waitForRole(.crmToCampaign, "writer", .idle)
            let admin = try KafkaAdmin(configuration: stack.kafkaConfiguration(), logger: TestKafka.logger)
            let moved = try await admin.resetOffsets(group: Topics.writerGroup(.crmToCampaign), topic: contacts.topic, to: .earliest)
            #expect(moved.values.allSatisfy { $0 == 0 })
            #expect(try await roles.writerLag([contacts]) > 2_000, "the whole topic is to be re-applied")
            try await beforeStart()
            try await stack.startWorkflow(.crmToCampaign)
            try await roles.waitUntil("the replay to be applied", timeout: .seconds(90)) { try await roles.writerLag([contacts]) == 0 }
        }

        @Test func aReplayFromEarliestChangesNothing() async throws {
            let (stack, roles) = try await Self.syncedWithHistory()
            defer { roles.stop() }
            let before = try await Self.snapshot(stack, withVersions: true)
            let applied = try await ApplyCounter.totals(stack)
            try await Self.replayFromEarliest(stack, roles)
            let after = try await Self.snapshot(stack, withVersions: true)
            #expect(after.count == before.count)
            #expect(after == before, "\(zip(before, after).filter { $0 != $1 }.prefix(3))")
            #expect(try await ApplyCounter.totals(stack) == applied, "no row was written again")
        }

        @Test func aReplayAfterTruncatingTheTableRebuildsItExactly() async throws {
            let (stack, roles) = try await Self.syncedWithHistory()
            defer { roles.stop() }
            let before = try await Self.snapshot(stack, withVersions: false)
            try await Self.replayFromEarliest(stack, roles) {
                try await stack.execute("TRUNCATE profiles")
            }
            let after = try await Self.snapshot(stack, withVersions: false)
            #expect(after.count == before.count)
            #expect(after == before, "\(zip(before, after).filter { $0 != $1 }.prefix(3))")
        }

        @Test func aResyncReReadsTheEntityFromTheCRMOnTheNextStart() async throws {
            let stack = try await TestStack.start(crm: .dynamics, workflowsYAML: TestEntity.workflow([Self.contacts]))
            try await stack.seed("contacts", count: 500)
            let roles = try await IngressRoles.start(stack)
            defer { roles.stop() }
            try await roles.waitForRows(Self.contacts, 500)
            try await stack.stopWorkflow(.crmToCampaign)
            try await stack.waitForRole(.crmToCampaign, "reader", .idle)
            // Rows lost on the Campaign side, unknown to Kafka's history of changes.
            try await stack.execute("DELETE FROM profiles WHERE crm_id IN (SELECT crm_id FROM profiles ORDER BY crm_id LIMIT 10)")
            let published = try await stack.messages(Self.contacts.topic).count
            try await stack.withDatabase { try await ConnectorStateStore(database: $0).set(.crmToCampaign, entity: "contact", .resyncRequested, "replay --resync") }

            try await stack.startWorkflow(.crmToCampaign)
            try await roles.waitForRows(Self.contacts, 500)
            #expect(try await stack.messages(Self.contacts.topic).count >= published + 500, "every record was read again")
            let flag = try await stack.withDatabase { try await ConnectorStateStore(database: $0).get(.crmToCampaign, entity: "contact", .resyncRequested) }
            #expect(flag == nil, "the request is done")
            let comparison = try await CampaignComparison.compare(stack, Self.contacts)
            #expect(comparison.isEqual, "\(comparison.problems)")
        }
    }
}
