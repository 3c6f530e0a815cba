@testable import CRMConnectors
import CoreValues
import Foundation
import TestSupport
import Testing

/// The Salesforce connector against the emulator's REST API over real HTTP (libcurl).
@Suite struct SalesforceConnectorTests {
    private let contacts = CRMQuery(remoteObject: "Contact", fields: ["FirstName", "LastName", "Email"], pageSize: 250)

    private func delete(_ ids: [String], _ fixture: CRMEmulatorFixture, _ connector: SalesforceConnector) async throws {
        for id in ids {
            let response = try await fixture.call(
                "DELETE", fixture.emulator.baseURL + "/services/data/v60.0/sobjects/Contact/\(id)", tokens: connector.tokens)
            #expect(response.status == 204)
        }
    }

    @Test func expiredSessionIsRefreshedTransparentlyOnce() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 600)
        defer { fixture.stop() }
        let connector = fixture.salesforce()
        var iterator = connector.pages(contacts, modifiedIn: nil).makeAsyncIterator()
        var count = try #require(try await iterator.next()).count
        let before = try await connector.tokens.token()
        #expect(before.instanceURL == fixture.emulator.baseURL)
        try await fixture.admin("POST", "salesforce/tokens/expire")
        while let page = try await iterator.next() { count += page.count }
        #expect(count == (try await fixture.liveContacts(.salesforce)))
        #expect(try await connector.tokens.token().accessToken != before.accessToken)
    }

    @Test func throttledReadStillYieldsEveryRecordExactlyOnce() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 1000)
        defer { fixture.stop() }
        try await fixture.faults(throttleShare: 0.3, retryAfterSeconds: 1)
        let records = try await collect(fixture.salesforce().pages(contacts, modifiedIn: nil)).records
        try await fixture.faults()
        #expect(records.count == (try await fixture.liveContacts(.salesforce)))
        #expect(Set(records.map(\.id)).count == records.count)
    }

    @Test func truncatedAnswersAreRetriedOrGiveAClearError() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 1000)
        defer { fixture.stop() }
        try await fixture.faults(truncateShare: 0.3)
        do {
            let records = try await collect(fixture.salesforce().pages(contacts, modifiedIn: nil)).records
            #expect(Set(records.map(\.id)).count == records.count)
            #expect(records.count == (try await fixture.liveContacts(.salesforce)))
        } catch let error as CRMError {
            #expect(error.code == .malformedResponse)
        }
    }

    @Test func getDeletedBeyondTheLimitIsRefusedBeforeCallingWithTheLimitNamed() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 10)
        defer { fixture.stop() }
        let connector = fixture.salesforce()
        let now = Date()
        let old = now.addingTimeInterval(-20 * 86_400)...now.addingTimeInterval(-19 * 86_400)
        let before = try await fixture.requestCount()
        let error = await #expect(throws: CRMError.self) { try await connector.getDeleted("Contact", window: old) }
        #expect(error?.code == .replicationWindowTooOld)
        #expect(error?.message.contains("15-day") == true)
        #expect(try await fixture.requestCount() == before)

        // A limit configured wider than the org's: the CRM's INVALID_REPLICATION_DATE maps to the same error.
        let lenient = fixture.salesforce(deletedRetention: .seconds(30 * 86_400))
        let remote = await #expect(throws: CRMError.self) { try await lenient.getDeleted("Contact", window: old) }
        #expect(remote?.code == .replicationWindowTooOld)
        #expect(remote?.remoteCode == "INVALID_REPLICATION_DATE")
        #expect(remote?.message.contains("30-day") == true)
    }

    @Test func deletedRecordsAreReportedByGetDeletedAndQueryAll() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 100)
        defer { fixture.stop() }
        let connector = fixture.salesforce()
        let all = try await collect(connector.pages(contacts, modifiedIn: nil)).records
        let doomed = all.prefix(3).map(\.id)
        let checkpoint = DeletionCheckpoint(rawValue: CRMTimestamp.string(Date().addingTimeInterval(-300)))
        try await delete(doomed, fixture, connector)

        // queryAll sees deleted rows at once.
        let rows = try await collect(connector.deletedRows(contacts, modifiedIn: nil)).records
        #expect(Set(doomed).isSubset(of: Set(rows.map(\.id))))
        #expect(rows.allSatisfy { $0.fields["IsDeleted"] == .bool(true) })

        // getDeleted covers whole minutes up to now: poll until the minute of the deletes is covered.
        var deletions = try await connector.deletedRecords(contacts, since: checkpoint, until: Date())
        try await eventually("getDeleted to cover the minute of the deletes", timeout: .seconds(90), interval: .seconds(1)) {
            deletions = try await connector.deletedRecords(contacts, since: checkpoint, until: Date())
            return Set(deletions.deleted.map(\.id)) == Set(doomed)
        }
        #expect(Set(deletions.deleted.map(\.id)) == Set(doomed))
        #expect(deletions.deleted.allSatisfy { $0.deletedAt != nil })
        let next = try #require(CRMTimestamp.parse(deletions.checkpoint.rawValue))
        #expect(next > (CRMTimestamp.parse(checkpoint.rawValue) ?? Date()))
    }

    @Test func readsRecordsByIdWithEscapedLiterals() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 700)
        defer { fixture.stop() }
        let connector = fixture.salesforce()
        let all = try await collect(connector.pages(contacts, modifiedIn: nil)).records
        let wanted = all.enumerated().filter { $0.offset % 2 == 0 }.map(\.element.id)
        let unknown = "003Hn0000009999"
        let (records, pages) = try await collect(connector.records(ids: wanted + [unknown], query: contacts))
        #expect(Set(records.map(\.id)) == Set(wanted))
        #expect(records.count == wanted.count)
        #expect(pages >= 2)

        let hostile = "003' OR Id != '"
        let error = await #expect(throws: CRMError.self) {
            _ = try await collect(connector.records(ids: [wanted[0], hostile], query: contacts))
        }
        #expect(error?.code == .invalidRequest)
        #expect(error?.message.contains("id 2 of 2") == true)

        // Other id fields take any text, escaped as a SOQL literal: the quote cannot end it.
        var byEmail = contacts
        byEmail.idField = "Email"
        byEmail.modifiedField = "SystemModstamp"
        let escaped = try await collect(connector.records(ids: [hostile], query: byEmail)).records
        #expect(escaped.isEmpty)
    }

    @Test func startsDeleteTrackingAtTheEndWithoutACheckpoint() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 10)
        defer { fixture.stop() }
        let end = Date()
        let before = try await fixture.requestCount()
        let start = try await fixture.salesforce().deletedRecords(contacts, since: nil, until: end)
        #expect(start.deleted.isEmpty)
        #expect(start.checkpoint.rawValue == CRMTimestamp.string(end))
        #expect(try await fixture.requestCount() == before)
    }
}

extension SalesforceConnectorTests {
    @Test func fallsBackToLastModifiedDateWhenTheObjectLacksTheModifiedField() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 300)
        defer { fixture.stop() }
        let connector = SalesforceConnector(
            configuration: SalesforceConfiguration(
                instanceURL: fixture.emulator.baseURL, clientID: "crmbridge-demo", clientSecret: Secret("demo-secret"),
                modifiedField: "CRMB_No_Such_Stamp__c", retry: CRMEmulatorFixture.testRetry),
            http: fixture.http, logger: fixture.logger)
        let records = try await collect(connector.pages(contacts, modifiedIn: nil)).records
        #expect(records.count == (try await fixture.liveContacts(.salesforce)))
        #expect(records.allSatisfy { $0.fields["LastModifiedDate"] != nil })
        #expect(connector.fallbacks.contains("Contact"))
    }

    @Test func exhaustedRetriesGiveAClearRetriableError() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 10)
        defer { fixture.stop() }
        let connector = fixture.salesforce(retry: CRMRetryPolicy(maxAttempts: 3, initialBackoff: .milliseconds(1)))
        _ = try await connector.tokens.token()
        try await fixture.faults(throttleShare: 1, retryAfterSeconds: 0)
        let before = try await fixture.requestCount()
        let error = await #expect(throws: CRMError.self) {
            _ = try await collect(connector.pages(contacts, modifiedIn: nil))
        }
        #expect(error?.code == .throttled)
        #expect(error?.status == 429)
        #expect(error?.isRetriable == true)
        #expect(error?.message.contains("after 3 attempts") == true)
        #expect(try await fixture.requestCount() - before == 3)
    }
}

extension SalesforceConnectorTests {
    @Test func getUpdatedReturnsTheIdsStampedInTheWindowAndRefusesOldWindows() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 400)
        defer { fixture.stop() }
        let connector = fixture.salesforce()
        let all = try await collect(connector.pages(contacts, modifiedIn: nil)).records
        let now = Date()
        let window = now.addingTimeInterval(-10 * 86_400)...now
        let result = try await connector.getUpdated("Contact", window: window)
        let minute = { (date: Date) in Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 60).rounded(.down) * 60) }
        let covered = try #require(result.latestDateCovered)
        let expected = all.filter { $0.modifiedAt >= minute(window.lowerBound) && $0.modifiedAt <= covered }.map(\.id)
        #expect(!expected.isEmpty)
        #expect(Set(result.ids) == Set(expected))

        let error = await #expect(throws: CRMError.self) {
            try await connector.getUpdated("Contact", window: now.addingTimeInterval(-31 * 86_400)...now)
        }
        #expect(error?.code == .replicationWindowTooOld)
        #expect(error?.message.contains("30-day") == true)
    }
}
