@testable import CRMConnectors
@testable import Config
import Foundation
import Testing

/// The mapping is checked against the CRM's own metadata (Dynamics `EntityDefinitions`,
/// Salesforce `describe`), over HTTP against the emulator, and the query error of an
/// unknown field is a permanent one.
@Suite struct CRMMappingCheckTests {
    private func entity(_ crm: CRMKind, object: String? = nil, extra: [String] = []) -> EntityConfig {
        let (remote, id, modified, mapped) = crm == .dynamics
            ? ("contacts", "contactid", "modifiedon", ["firstname", "emailaddress1", "_parentcustomerid_value"])
            : ("Contact", "Id", "SystemModstamp", ["FirstName", "email", "AccountId"])
        return EntityConfig(
            name: "contact", remoteObject: object ?? remote, remoteIdField: id, lastModifiedField: modified, table: "profiles",
            fields: (mapped + extra).enumerated().map { FieldMapping(remote: $0.element, column: "c\($0.offset)") })
    }

    private func source(_ fixture: CRMEmulatorFixture, _ crm: CRMKind) -> any CRMMetadataSource {
        crm == .dynamics ? fixture.dynamics() : fixture.salesforce()
    }

    @Test(arguments: [CRMKind.dynamics, .salesforce])
    func aMappingOfFieldsTheCRMHasHasNoProblem(crm: CRMKind) async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 0)
        defer { fixture.stop() }
        let problems = try await CRMMappingCheck(metadata: source(fixture, crm)).problems([entity(crm)])
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test(arguments: [CRMKind.dynamics, .salesforce])
    func unknownFieldsAndObjectsAreEachNamed(crm: CRMKind) async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 0)
        defer { fixture.stop() }
        let check = CRMMappingCheck(metadata: source(fixture, crm))
        let problems = try await check.problems([entity(crm, extra: ["NoSuchField__c", "_nosuchlookup_value"])])
        #expect(problems.map(\.field) == ["NoSuchField__c", "_nosuchlookup_value"])
        #expect(problems.allSatisfy { $0.description.contains("contact") })

        let missing = try await check.problems([entity(crm, object: "NoSuchObject__c")])
        #expect(missing == [.init(entity: "contact", remoteObject: "NoSuchObject__c", field: nil)])
        #expect(missing.first?.description.contains("NoSuchObject__c") == true)
    }

    @Test(arguments: [CRMKind.dynamics, .salesforce])
    func aQueryOfAnUnknownFieldFailsPermanentlyNamingTheField(crm: CRMKind) async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 0)
        defer { fixture.stop() }
        let connector: any CRMSourceConnector = crm == .dynamics ? fixture.dynamics() : fixture.salesforce()
        let query = CRMQuery(remoteObject: crm == .dynamics ? "contacts" : "Contact", fields: ["NoSuchField__c"], pageSize: 10)
        let error = await #expect(throws: CRMError.self) {
            for try await _ in connector.pages(query, modifiedIn: nil) {}
        }
        #expect(error?.isPermanent == true, "\(String(describing: error))")
        #expect(error?.description.contains("NoSuchField__c") == true, "\(String(describing: error))")
    }

    @Test(arguments: [CRMKind.dynamics, .salesforce])
    func aCRMAnswering503IsTransient(crm: CRMKind) async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 0)
        defer { fixture.stop() }
        try await fixture.admin("PUT", "faults", json: #"{"unavailableShare": 1}"#)
        let retry = CRMRetryPolicy(maxAttempts: 2, initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(20))
        let connector: any CRMMetadataSource = crm == .dynamics ? fixture.dynamics(retry: retry) : fixture.salesforce(retry: retry)
        let error = await #expect(throws: CRMError.self) {
            _ = try await CRMMappingCheck(metadata: connector).problems([entity(crm)])
        }
        #expect(error?.isPermanent == false, "\(String(describing: error))")
    }
}
