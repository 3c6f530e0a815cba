@testable import CRMConnectors
@testable import Config
import Foundation
import Testing

/// What every source connector owes the reader, checked for both CRMs against the
/// emulator over real HTTP (libcurl): a full read gives every record once, in
/// (last-modified, id) order, with the id among the fields and no protocol members;
/// a window gives exactly the records modified in `[start, end)`.
@Suite struct SourceConnectorContractTests {
    struct Subject {
        var query: CRMQuery
        var idField: String
        var modifiedField: String
        /// A member of the wire format that must not reach the fields.
        var protocolMember: String

        static func of(_ crm: CRMKind) -> Subject {
            switch crm {
            case .dynamics:
                Subject(query: CRMQuery(remoteObject: "contacts", fields: ["firstname", "lastname", "emailaddress1"], pageSize: 250),
                        idField: "contactid", modifiedField: "modifiedon", protocolMember: "@odata.etag")
            case .salesforce:
                Subject(query: CRMQuery(remoteObject: "Contact", fields: ["FirstName", "LastName", "Email"], pageSize: 250),
                        idField: "Id", modifiedField: "SystemModstamp", protocolMember: "attributes")
            }
        }

        func connector(_ fixture: CRMEmulatorFixture, _ crm: CRMKind) -> any CRMSourceConnector {
            crm == .dynamics ? fixture.dynamics() : fixture.salesforce()
        }
    }

    @Test(arguments: [CRMKind.dynamics, .salesforce])
    func fullReadPagesThroughEverySeededContactExactlyOnce(crm: CRMKind) async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 1100)
        defer { fixture.stop() }
        let subject = Subject.of(crm)
        let (records, pages) = try await collect(subject.connector(fixture, crm).pages(subject.query, modifiedIn: nil))
        #expect(records.count == (try await fixture.liveContacts(crm)))
        #expect(Set(records.map(\.id)).count == records.count)
        #expect(pages >= 5)
        let first = try #require(records.first)
        #expect(first.fields[subject.idField] == .string(first.id))
        #expect(first.fields[subject.modifiedField] != nil)
        #expect(first.fields[subject.protocolMember] == nil)
        #expect(first.fields.keys.allSatisfy { !$0.hasPrefix("@") })
        let keys = records.map { ($0.modifiedAt, $0.id) }
        #expect(zip(keys, keys.dropFirst()).allSatisfy { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) })
    }

    @Test(arguments: [CRMKind.dynamics, .salesforce])
    func windowReturnsExactlyTheRecordsModifiedInIt(crm: CRMKind) async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 800)
        defer { fixture.stop() }
        let subject = Subject.of(crm)
        let connector = subject.connector(fixture, crm)
        let all = try await collect(connector.pages(subject.query, modifiedIn: nil)).records
        let stamps = Array(Set(all.map(\.modifiedAt))).sorted()
        let window = ModifiedWindow(start: stamps[stamps.count / 4], end: stamps[stamps.count * 3 / 4])
        let expected = Set(all.filter { window.contains($0.modifiedAt) }.map(\.id))

        let read = try await collect(connector.pages(subject.query, modifiedIn: window)).records
        #expect(read.count == expected.count)
        #expect(Set(read.map(\.id)) == expected)
        #expect(read.contains { $0.modifiedAt == window.start })
        #expect(!read.contains { $0.modifiedAt == window.end })
        let empty = try await collect(connector.pages(subject.query, modifiedIn: ModifiedWindow(start: window.end, end: window.start)))
        #expect(empty.records.isEmpty)
    }
}
