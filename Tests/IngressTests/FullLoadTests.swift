import Foundation
import Shared
import Testing
import TestSupport

/// crm-to-campaign end to end: the emulator's CRM API → reader process → Kafka →
/// writer process → Campaign, with every part real.
@Suite(.serialized) struct FullLoadTests {
    static let contactsYAML = """
          crm-to-campaign:
            entities:
              - name: contact
                remoteObject: contacts
                table: profiles
                fields:
                  - { remote: firstname, column: first_name }
                  - { remote: lastname, column: last_name }
                  - { remote: emailaddress1, column: email }
                  - { remote: telephone1, column: phone }
                  - { remote: birthdate, column: birth_date, conversion: dateOnly }
                pageSize: 5000
                interval: 1s
                lookBack: 5s
        """

    @Test func fullLoadOfDynamicsContactsLandsFieldForField() async throws {
        let stack = try await TestStack.start(crm: .dynamics, workflowsYAML: Self.contactsYAML)
        let count = 20_000
        try await stack.seed("contacts", count: count)
        try await stack.startWorkflow(.crmToCampaign)
        let reader = try stack.spawn("IngressService", ["reader"])
        let writer = try stack.spawn("IngressService", ["writer"])
        defer { reader.terminate(); writer.terminate() }

        do {
            try await eventually("\(count) profiles", timeout: .seconds(120)) {
                try await stack.count("SELECT count(*) AS count FROM profiles") == count
            }
        } catch {
            Issue.record("reader log:\n\(reader.log.suffix(3000))\nwriter log:\n\(writer.log.suffix(3000))")
            throw error
        }
        // Field for field: every CRM record is in Campaign with the same values.
        let crm = try await CRMSnapshot.dynamicsContacts(stack)
        #expect(crm.count == count)
        let database = try await stack.connect()
        defer { Task { await database.close() } }
        let rows = try await database.query(
            "SELECT crm_id, first_name, last_name, email, phone, birth_date::text AS birth_date FROM profiles", [])
        var mismatches = 0
        for row in 0..<rows.rowCount {
            let id = try rows.string(row, "crm_id") ?? ""
            guard let record = crm[id] else { mismatches += 1; continue }
            let expected: [String?] = ["firstname", "lastname", "emailaddress1", "telephone1", "birthdate"].map { record[$0] ?? nil }
            let actual = try [rows.string(row, "first_name"), rows.string(row, "last_name"), rows.string(row, "email"),
                              rows.string(row, "phone"), rows.string(row, "birth_date")]
            if expected != actual {
                if mismatches < 3 { Issue.record("\(id): CRM \(expected) vs Campaign \(actual)") }
                mismatches += 1
            }
        }
        #expect(mismatches == 0)
        let option = try await database.query(
            "SELECT value FROM crmbridge.options WHERE name = 'LASTIMPORT_test_crm-to-campaign_contact'", [])
        #expect(option.rowCount == 1)
    }
}
