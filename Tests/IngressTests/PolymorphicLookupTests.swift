import Config
import Foundation
import TestSupport
import Testing

extension IngressEndToEnd {
    /// A Dynamics polymorphic lookup (`parentcustomerid`: an account or a contact) reads as
    /// a bare GUID; mapping `…@Microsoft.Dynamics.CRM.lookuplogicalname` takes the target's
    /// type into its own column (issue 14), end to end through the configuration, the
    /// connector, Kafka and the writer.
    @Suite struct PolymorphicLookupTests {
        static let table = """
            CREATE TABLE contact_parents (
                crm_id text PRIMARY KEY, crm_modified_at timestamptz, last_name text,
                parent_id text, parent_type text);
            """

        @Test func theLookupsTargetTableLandsInItsOwnColumn() async throws {
            let entity = TestEntity(
                name: "contact", remoteObject: "contacts", remoteId: "contactid", modifiedField: "modifiedon",
                table: "contact_parents",
                fields: [
                    .init(remote: "lastname", column: "last_name"),
                    .init(remote: "_parentcustomerid_value", column: "parent_id"),
                    .init(remote: "_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname", column: "parent_type"),
                ], deletes: false)
            let stack = try await TestStack.start(crm: .dynamics, workflowsYAML: TestEntity.workflow([entity]), prepare: Self.table)
            let account = try await stack.crmAPI.create("accounts", ["name": "Parent Account"])
            let person = try await stack.crmAPI.create("contacts", ["lastname": "Parent Person"])
            let ofAccount = try await stack.crmAPI.create(
                "contacts", ["lastname": "Child Of Account", "parentcustomerid_account@odata.bind": "/accounts(\(account))"])
            let ofContact = try await stack.crmAPI.create(
                "contacts", ["lastname": "Child Of Contact", "parentcustomerid_contact@odata.bind": "/contacts(\(person))"])
            let roles = try await IngressRoles.start(stack)
            defer { roles.stop() }
            try await roles.waitUntil("the three contacts in Campaign") {
                try await stack.count("SELECT count(*) FROM contact_parents") == 3
            }

            let rows = try await stack.query("SELECT crm_id, parent_id, parent_type FROM contact_parents")
            let byID = Dictionary(uniqueKeysWithValues: rows.compactMap { row in row["crm_id"].map { ($0, row) } })
            #expect(byID[ofAccount]?["parent_id"] == account)
            #expect(byID[ofAccount]?["parent_type"] == "account")
            #expect(byID[ofContact]?["parent_id"] == person)
            #expect(byID[ofContact]?["parent_type"] == "contact")
            #expect(byID[person] != nil)
            #expect(byID[person]?["parent_id"] == nil && byID[person]?["parent_type"] == nil)
        }
    }
}
