import Config
import Foundation
import PostgresBridge
import TestSupport
import Testing

extension IngressEndToEnd {
    /// After the full load, each window `[LASTIMPORT − lookBack, now)` brings what users
    /// changed through the CRM's own API: creates, updates and deletes.
    @Suite struct IncrementalTests {
        @Test(arguments: [CRMKind.dynamics, .salesforce])
        func createsUpdatesAndDeletesMadeThroughTheCRMAPIAppearInCampaign(crm: CRMKind) async throws {
            let contacts = TestEntity.contact(crm)
            let memberships = TestEntity.membership(crm)
            let stack = try await TestStack.start(
                crm: crm, workflowsYAML: TestEntity.workflow([contacts, memberships]), prepare: ApplyCounter.sql)
            try await stack.seed(contacts.remoteObject, count: 300)
            try await stack.seed(memberships.remoteObject, count: 20)
            let before = try await CampaignComparison.crmRecords(stack, contacts)
            let membershipsBefore = try await CampaignComparison.crmRecords(stack, memberships)
            let roles = try await IngressRoles.start(stack)
            defer { roles.stop() }
            try await roles.waitForRows(contacts, before.count)
            try await roles.waitForRows(memberships, membershipsBefore.count)

            let api = stack.crmAPI
            var created: [String] = []
            for index in 1...3 {
                created.append(try await api.create(contacts.remoteObject, TestRecords.contact(
                    crm, first: "New", last: "Created \(index)", email: "new.\(index)@example.com", birthdate: "1990-05-17")))
            }
            let existing = before.keys.sorted()
            for id in existing.prefix(2) {
                try await api.update(contacts.remoteObject, id: id, [TestRecords.lastNameField(crm): "Updated \(id.suffix(4))"])
            }
            let deleted = Array(existing.suffix(2))
            for id in deleted { try await api.delete(contacts.remoteObject, id: id) }
            let shortLived = try await api.create(memberships.remoteObject, TestRecords.membership(crm, name: "Short-lived", start: "2024-02-29"))
            let kept = try await api.create(memberships.remoteObject, TestRecords.membership(crm, name: "Kept", start: "2024-03-31"))
            let softDeleted = try #require(membershipsBefore.keys.sorted().first)
            try await api.delete(memberships.remoteObject, id: shortLived)
            try await api.delete(memberships.remoteObject, id: softDeleted)

            for entity in [contacts, memberships] {
                var comparison: CampaignComparison?
                do {
                    try await eventually("\(entity.table) equal to the CRM", timeout: .seconds(45), interval: .seconds(1)) {
                        comparison = try await CampaignComparison.compare(stack, entity)
                        return comparison?.isEqual == true
                    }
                } catch {
                    Issue.record("\(comparison?.problems ?? []); logs:\n\(roles.logs)")
                    throw error
                }
            }
            #expect(try await stack.rowCount(contacts, ids: created) == 3)
            // Hard deletes remove the rows and leave tombstones against replays.
            #expect(try await stack.count("SELECT count(*) FROM profiles WHERE crm_id = ANY($1::text[])", [PostgresArrayLiteral.text(deleted)]) == 0)
            #expect(try await stack.count(
                "SELECT count(*) FROM crmbridge.tombstones WHERE target_table = 'profiles' AND crm_id = ANY($1::text[])",
                [PostgresArrayLiteral.text(deleted)]) == 2)
            // Soft deletes keep the rows, flagged.
            #expect(try await stack.rowCount(memberships, ids: [shortLived]) == 0)
            #expect(try await stack.count(
                "SELECT count(*) FROM memberships WHERE crm_deleted AND crm_id = $1", [softDeleted]) == 1)
            #expect(try await stack.rowCount(memberships, ids: [kept]) == 1)
            // No duplicates: windows re-read their look-back, yet each version is written
            // once (the two updated contacts twice: insert, then update).
            let totals = try await ApplyCounter.totals(stack)
            #expect(totals == .init(records: before.count + 3, applications: before.count + 3 + 2, most: 2), "\(totals)")
        }
    }
}
