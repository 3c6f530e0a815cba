import Config
import Foundation
import TestSupport
import Testing

extension IngressEndToEnd {
    /// Per-field options through the real roles: replacements (exact match on the value's
    /// text, `null` allowed) and `applyUpdates: false` (written when the row is created,
    /// never updated).
    @Suite struct FieldOptionsTests {
        static func entity(_ crm: CRMKind) -> TestEntity {
            let (first, last, email) = crm == .dynamics ? ("firstname", "lastname", "emailaddress1") : ("FirstName", "LastName", "Email")
            return TestEntity(
                name: "contact", remoteObject: crm == .dynamics ? "contacts" : "Contact",
                remoteId: crm == .dynamics ? "contactid" : "Id", modifiedField: crm == .dynamics ? "modifiedon" : "SystemModstamp",
                table: "profiles",
                fields: [
                    .init(remote: first, column: "first_name", options: #"applyUpdates: false, replacements: [{ from: "-", to: null }]"#),
                    .init(remote: last, column: "last_name", options: #"replacements: [{ from: "n/a", to: "Unknown" }]"#),
                    .init(remote: email, column: "email"),
                ], deletes: false)
        }

        @Test(arguments: [CRMKind.dynamics, .salesforce])
        func replacementsApplyAndAFieldWithoutUpdatesKeepsItsFirstValue(crm: CRMKind) async throws {
            let entity = Self.entity(crm)
            let stack = try await TestStack.start(crm: crm, workflowsYAML: TestEntity.workflow([entity]))
            let roles = try await IngressRoles.start(stack)
            defer { roles.stop() }
            try await roles.waitForWindow(entity, after: Date().addingTimeInterval(-1))

            let api = stack.crmAPI
            let ann = try await api.create(entity.remoteObject, TestRecords.contact(crm, first: "Ann", last: "n/a", email: "ann@example.com"))
            let bob = try await api.create(entity.remoteObject, TestRecords.contact(crm, first: "-", last: "Two", email: "bob@example.com"))
            try await roles.waitUntil("both contacts in profiles") { try await stack.rowCount(entity, ids: [ann, bob]) == 2 }
            #expect(try await names(stack, ann) == ["Ann", "Unknown"])
            #expect(try await names(stack, bob) == [nil, "Two"])

            let firstField = crm == .dynamics ? "firstname" : "FirstName"
            try await api.update(entity.remoteObject, id: ann, [firstField: "Changed", TestRecords.lastNameField(crm): "Uno"])
            try await roles.waitUntil("the update of last_name") { try await names(stack, ann).last == "Uno" }
            #expect(try await names(stack, ann) == ["Ann", "Uno"], "first_name has applyUpdates: false")
        }

        private func names(_ stack: TestStack, _ id: String) async throws -> [String?] {
            let rows = try await stack.query("SELECT first_name, last_name FROM profiles WHERE crm_id = $1", [id])
            guard let row = rows.first else { return [] }
            return [row["first_name"], row["last_name"]]
        }
    }
}
