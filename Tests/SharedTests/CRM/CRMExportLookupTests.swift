import CoreValues
import Testing
@testable import CRMConnectors

/// How each connector writes an export's lookup fields: Dynamics as `@odata.bind`
/// references (null clears the link, a key that is no GUID is a reject), Salesforce as the
/// lookup field set to the Id.
@Suite struct CRMExportLookupTests {
    static let record = CRMExportRecord(
        rowID: "1", key: nil, fields: ["name": .string("Acme")],
        lookups: [
            "parentcustomerid_account": CRMExportLookup(target: "accounts", id: " 0B9E3F4C-1D2E-4F60-8A7B-9C0D1E2F3A4B "),
            "primarycontactid": CRMExportLookup(target: "contacts", id: nil),
        ])

    @Test func dynamicsBindsEachLookupOrClearsIt() throws {
        let bound = try DynamicsExportWriter.bindingLookups(Self.record).get()
        #expect(bound.fields == [
            "name": .string("Acme"),
            "parentcustomerid_account@odata.bind": .string("/accounts(0b9e3f4c-1d2e-4f60-8a7b-9c0d1e2f3a4b)"),
            "primarycontactid@odata.bind": .null,
        ])
        #expect(bound.lookups.isEmpty)
    }

    @Test func aDynamicsLookupKeyThatIsNoGUIDIsARejectNamingTheLookup() {
        var record = Self.record
        record.lookups["parentcustomerid_account"]?.id = "ACME-1"
        guard case .failure(let refused) = DynamicsExportWriter.bindingLookups(record) else {
            Issue.record("a key that is no GUID was bound")
            return
        }
        guard case .rejected(let code, let message) = refused.outcome else {
            Issue.record("not a reject: \(refused.outcome)")
            return
        }
        #expect(code == "invalid-crm-id")
        #expect(message.contains("parentcustomerid_account"))
    }

    @Test func salesforceSetsTheLookupFieldToTheIdOrNull() {
        let record = CRMExportRecord(
            rowID: "1", key: nil, fields: ["Name": .string("Acme")],
            lookups: ["AccountId": CRMExportLookup(target: "Account", id: "001000000000001"), "ReportsToId": CRMExportLookup(target: "Contact", id: "")])
        #expect(SalesforceExportWriter.lookupsAsFields(record) == [
            "Name": .string("Acme"), "AccountId": .string("001000000000001"), "ReportsToId": .null,
        ])
    }
}
