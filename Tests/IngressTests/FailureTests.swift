import CoreValues
import Foundation
import TestSupport
import Testing
import WorkflowRuntime

extension IngressEndToEnd {
    /// What cannot be applied is refused clearly: a deletes window the CRM no longer
    /// keeps and a mapped column gone turn the workflow FAILED with the reason named; a
    /// bad message becomes a reject and the writer goes on.
    @Suite struct FailureTests {
        @Test func aDeletedObjectsWindowBeyondTheCRMsLimitFailsTheWorkflowNamingTheLimit() async throws {
            let contacts = TestEntity.contact(.salesforce)
            let stack = try await TestStack.start(crm: .salesforce, workflowsYAML: TestEntity.workflow([contacts]))
            try await stack.seed("Contact", count: 20)
            let roles = try await IngressRoles.start(stack)
            defer { roles.stop() }
            try await roles.waitForWindow(contacts, after: Date())
            try await stack.stopWorkflow(.crmToCampaign)
            try await stack.waitForRole(.crmToCampaign, "reader", .idle)
            // The reader was away for 20 days: deletes are to be read from then on.
            let away = TestRecords.iso(Date().addingTimeInterval(-20 * 86_400))
            try await stack.withDatabase { try await ConnectorStateStore(database: $0).set(.crmToCampaign, entity: "contact", .deltaLink, away) }

            try await stack.startWorkflow(.crmToCampaign)
            let beat = try await stack.waitForRole(.crmToCampaign, "reader", .failed)
            let error = beat.lastError ?? ""
            #expect(error.contains("15-day limit"), "\(error)")
            #expect(error.contains("getDeleted"), "\(error)")
            let status = try #require(try await stack.status(.crmToCampaign))
            #expect(status.status == .failed)
            #expect(status.reason?.contains("15-day limit") == true)
            #expect(error.contains("--resync"), "the message says the way out: \(error)")
        }

        /// The way out the failure names: a resync re-reads the entity, rows deleted while
        /// deletes could not be read are removed, and deletes are tracked from then on.
        @Test func aResyncAfterTheDeletesLimitRecoversAndRemovesWhatWasDeletedMeanwhile() async throws {
            let contacts = TestEntity.contact(.salesforce)
            let stack = try await TestStack.start(crm: .salesforce, workflowsYAML: TestEntity.workflow([contacts]))
            try await stack.seed("Contact", count: 20)
            let roles = try await IngressRoles.start(stack)
            defer { roles.stop() }
            try await roles.waitUntilSynced([contacts])
            try await stack.stopWorkflow(.crmToCampaign)
            try await stack.waitForRole(.crmToCampaign, "reader", .idle)
            let away = TestRecords.iso(Date().addingTimeInterval(-20 * 86_400))
            try await stack.withDatabase { try await ConnectorStateStore(database: $0).set(.crmToCampaign, entity: "contact", .deltaLink, away) }
            let gone = try #require(try await stack.query("SELECT crm_id FROM profiles ORDER BY crm_id LIMIT 1").first?["crm_id"])
            // Deleted while the reader was away: too old for the windows' queryAll to see.
            let when = TestRecords.iso(Date().addingTimeInterval(-180))
            try await stack.admin("POST", "/admin/salesforce/late", json: """
                {"object": "Contact", "id": "\(gone)", "fields": {}, "systemModstamp": "\(when)", "deleted": true}
                """)
            try await stack.startWorkflow(.crmToCampaign)
            try await stack.waitForRole(.crmToCampaign, "reader", .failed)

            try await stack.withDatabase { try await ConnectorStateStore(database: $0).set(.crmToCampaign, entity: "contact", .resyncRequested, "replay --resync") }
            try await stack.startWorkflow(.crmToCampaign)
            try await roles.waitUntil("the row deleted meanwhile to go") { try await stack.rowCount(contacts, ids: [gone]) == 0 }
            try await roles.waitUntil("the workflow to run again") { try await stack.status(.crmToCampaign)?.status == .running }
            let comparison = try await CampaignComparison.compare(stack, contacts)
            #expect(comparison.isEqual, "\(comparison.problems)")
        }

        @Test func aBadMessageOnTheTopicGoesToTheRejectsAndTheWriterGoesOn() async throws {
            let contacts = TestEntity.contact(.dynamics).with { $0.deletes = false }
            let stack = try await TestStack.start(crm: .dynamics, workflowsYAML: TestEntity.workflow([contacts]))
            try await stack.seed("contacts", count: 20)
            let roles = try await IngressRoles.start(stack)
            defer { roles.stop() }
            try await roles.waitForRows(contacts, 20)

            let wrongEntity = Envelope(op: .upsert, system: .dynamics, entity: "account", id: "a-1", modifiedAt: Date())
            try await stack.produce(contacts.topic, [
                (key: "garbage", value: Array("this is not JSON".utf8)),
                (key: "truncated", value: Array(#"{"schema":1,"op":"upsert","system":"dynamics","entity":"contact","id":"x""#.utf8)),
                (key: "a-1", value: wrongEntity.encoded()),
            ])
            let id = try await stack.crmAPI.create("contacts", TestRecords.contact(.dynamics, first: "After", last: "The Garbage", email: nil))
            try await roles.waitUntil("the record created after the bad messages") { try await stack.rowCount(contacts, ids: [id]) == 1 }

            let rejects = try await stack.query(
                "SELECT record_id, error_symbol, error_message, topic FROM crmbridge.rejects WHERE workflow = 'crm-to-campaign' ORDER BY record_id")
            #expect(rejects.map { $0["record_id"] } == ["a-1", "garbage", "truncated"])
            #expect(rejects.map { $0["error_symbol"] } == ["unknown-entity", "bad-envelope", "bad-envelope"])
            #expect(rejects.allSatisfy { $0["topic"] == contacts.topic && !($0["error_message"] ?? "").isEmpty })
            let published = try await stack.messages(Topics.rejects(.crmToCampaign))
            let keys = Set(published.map { String(decoding: $0.key ?? [], as: UTF8.self) })
            #expect(keys == ["a-1", "garbage", "truncated"])
            #expect(published.allSatisfy { String(decoding: $0.value ?? [], as: UTF8.self).contains("error") })
            let writer = try #require(try await stack.heartbeats(.crmToCampaign).first { $0.role == "writer" })
            #expect(writer.state == .running)
        }

        @Test func droppingAMappedColumnFailsTheWorkflowNamingTheColumnAndAStartAfterTheFixResumes() async throws {
            let contacts = TestEntity.contact(.dynamics).with { $0.deletes = false }
            let stack = try await TestStack.start(crm: .dynamics, workflowsYAML: TestEntity.workflow([contacts]))
            try await stack.seed("contacts", count: 20)
            let roles = try await IngressRoles.start(stack)
            defer { roles.stop() }
            try await roles.waitForRows(contacts, 20)

            try await stack.execute("ALTER TABLE profiles DROP COLUMN phone")
            let id = try await stack.crmAPI.create("contacts", TestRecords.contact(.dynamics, first: "Needs", last: "A Phone", email: nil))
            let beat = try await stack.waitForRole(.crmToCampaign, "writer", .failed)
            #expect(beat.lastError?.contains("phone") == true, "\(beat.lastError ?? "")")
            let status = try #require(try await stack.status(.crmToCampaign))
            #expect(status.status == .failed)
            #expect(status.reason?.contains("phone") == true, "\(status.reason ?? "")")
            #expect(try await stack.rowCount(contacts, ids: [id]) == 0, "nothing half-written")

            try await stack.execute("ALTER TABLE profiles ADD COLUMN phone text")
            try await stack.startWorkflow(.crmToCampaign)
            try await roles.waitUntil("the record after the fix") { try await stack.rowCount(contacts, ids: [id]) == 1 }
            #expect(try await stack.status(.crmToCampaign)?.status == .running)
        }
    }
}
