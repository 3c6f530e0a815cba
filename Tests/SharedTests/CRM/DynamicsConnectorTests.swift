@testable import CRMConnectors
@testable import CoreValues
import Foundation
import Mapping
import TestSupport
import Testing

/// The Dynamics connector against the emulator's Web API over real HTTP (libcurl).
@Suite struct DynamicsConnectorTests {
    private let contacts = CRMQuery(remoteObject: "contacts", fields: ["firstname", "lastname", "emailaddress1"], pageSize: 250)

    @Test func combinesTheQueryFilterWithTheWindow() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 300)
        defer { fixture.stop() }
        let connector = fixture.dynamics()
        var inactive = contacts
        inactive.fields.append("statecode")
        let all = try await collect(connector.pages(inactive, modifiedIn: nil)).records
        let filter = try FilterExpression.parse("statecode eq 1").get()
        inactive.filter = filter
        let read = try await collect(connector.pages(inactive, modifiedIn: nil)).records
        #expect(!read.isEmpty)
        #expect(Set(read.map(\.id)) == Set(all.filter { $0.fields["statecode"] == .number(JSONNumber(1)) }.map(\.id)))
        // Negation is a node the connector renders: exactly the other records.
        inactive.filter = .not(filter)
        let others = try await collect(connector.pages(inactive, modifiedIn: nil)).records
        #expect(!others.isEmpty)
        #expect(Set(others.map(\.id)) == Set(all.map(\.id)).subtracting(read.map(\.id)))
    }

    @Test func expiredTokenIsRefreshedTransparentlyOnce() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 600)
        defer { fixture.stop() }
        let connector = fixture.dynamics()
        var iterator = connector.pages(contacts, modifiedIn: nil).makeAsyncIterator()
        let first = try #require(try await iterator.next())
        let before = try await connector.tokens.token()
        try await fixture.admin("POST", "dynamics/tokens/expire")
        var count = first.count
        while let page = try await iterator.next() { count += page.count }
        #expect(count == (try await fixture.liveContacts(.dynamics)))
        #expect(try await connector.tokens.token().accessToken != before.accessToken)
    }

    @Test func aTokenRefusedAgainAfterRefreshFailsInsteadOfLooping() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 10)
        defer { fixture.stop() }
        try await fixture.admin("PUT", "dynamics/tokens", json: #"{"lifetimeSeconds":0}"#)
        let before = try await fixture.requestCount()
        let error = await #expect(throws: CRMError.self) {
            _ = try await collect(fixture.dynamics().pages(contacts, modifiedIn: nil))
        }
        #expect(error?.code == .authentication)
        #expect(error?.status == 401)
        // Two token requests and two queries: one refresh, no loop.
        #expect(try await fixture.requestCount() - before <= 4)
    }

    @Test func wrongSecretGivesAnAuthenticationErrorWithoutTheSecret() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 10)
        defer { fixture.stop() }
        let error = await #expect(throws: CRMError.self) {
            _ = try await collect(fixture.dynamics(secret: "wrong-s3cret").pages(contacts, modifiedIn: nil))
        }
        #expect(error?.code == .authentication)
        #expect(error?.remoteCode == "invalid_client")
        #expect(error.map { !"\($0)".contains("wrong-s3cret") } == true)
    }

    @Test func throttledReadStillYieldsEveryRecordExactlyOnce() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 1000)
        defer { fixture.stop() }
        try await fixture.faults(throttleShare: 0.3, retryAfterSeconds: 1)
        let clock = ContinuousClock()
        let start = clock.now
        let records = try await collect(fixture.dynamics().pages(contacts, modifiedIn: nil)).records
        try await fixture.faults()
        #expect(records.count == (try await fixture.liveContacts(.dynamics)))
        #expect(Set(records.map(\.id)).count == records.count)
        let counters = try await fixture.admin("GET", "counters")
        let injected = (try JSONSerialization.jsonObject(with: Data(counters.body)) as? [String: Int])?["faultsInjected"] ?? 0
        // Every injected 429 asked for one second, and it was honoured.
        #expect(clock.now - start >= .seconds(injected))
    }

    @Test func truncatedAnswersAreRetriedOrGiveAClearError() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 1000)
        defer { fixture.stop() }
        try await fixture.faults(truncateShare: 0.3)
        do {
            let records = try await collect(fixture.dynamics().pages(contacts, modifiedIn: nil)).records
            #expect(Set(records.map(\.id)).count == records.count)
            #expect(records.count == (try await fixture.liveContacts(.dynamics)))
        } catch let error as CRMError {
            #expect(error.code == .malformedResponse)
        }
        try await fixture.faults(truncateShare: 1)
        let error = await #expect(throws: CRMError.self) {
            _ = try await collect(fixture.dynamics(retry: CRMRetryPolicy(maxAttempts: 2, initialBackoff: .milliseconds(1))).pages(contacts, modifiedIn: nil))
        }
        #expect(error?.code == .malformedResponse)
        #expect(error?.message.contains("truncated") == true)
    }

    @Test func readsRecordsByIdInChunksAndRefusesIdsThatAreNotGUIDs() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 700)
        defer { fixture.stop() }
        let connector = fixture.dynamics()
        let all = try await collect(connector.pages(contacts, modifiedIn: nil)).records
        let wanted = all.enumerated().filter { $0.offset % 2 == 0 }.map(\.element.id)
        let unknown = "00000000-0000-0000-0000-0000000000ff"
        let (records, pages) = try await collect(connector.records(ids: wanted + [unknown], query: contacts))
        #expect(Set(records.map(\.id)) == Set(wanted))
        #expect(records.count == wanted.count)
        #expect(pages >= 2)

        let error = await #expect(throws: CRMError.self) {
            _ = try await collect(connector.records(ids: [wanted[0], "1 or 1 eq 1"], query: contacts))
        }
        #expect(error?.code == .invalidRequest)
        #expect(error?.message.contains("id 2 of 2") == true)
    }

    @Test func deltaLinkReturnsDeletedRows() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 200)
        defer { fixture.stop() }
        let connector = fixture.dynamics()
        let initial = try await connector.changes(contacts, since: nil)
        #expect(initial.changedIDs.count == (try await fixture.liveContacts(.dynamics)))
        #expect(initial.deletedIDs.isEmpty)

        let doomed = Array(initial.changedIDs.prefix(3))
        for id in doomed {
            let response = try await fixture.call(
                "DELETE", fixture.emulator.baseURL + "/api/data/v9.2/contacts(\(id))", tokens: connector.tokens)
            #expect(response.status == 204)
        }
        let changes = try await connector.changes(contacts, since: initial.deltaLink)
        #expect(Set(changes.deletedIDs) == Set(doomed))
        #expect(changes.deltaLink != initial.deltaLink)

        // The same through the common protocol shape.
        let start = try await connector.deletedRecords(contacts, since: nil, until: Date())
        #expect(start.deleted.isEmpty)
        let id = initial.changedIDs[5]
        _ = try await fixture.call("DELETE", fixture.emulator.baseURL + "/api/data/v9.2/contacts(\(id))", tokens: connector.tokens)
        let next = try await connector.deletedRecords(contacts, since: start.checkpoint, until: Date())
        #expect(next.deleted.map(\.id) == [id])
    }

    @Test func expiredDeltaTokenAsksForAFullResync() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 50)
        defer { fixture.stop() }
        let connector = fixture.dynamics()
        let initial = try await connector.changes(contacts, since: nil)
        try await fixture.admin("PUT", "dynamics/change-tracking", json: #"{"retentionSeconds":0}"#)
        let code = try await eventuallyValue("the delta token to expire", timeout: .seconds(10)) { () async throws -> CRMError.Code? in
            do {
                _ = try await connector.changes(contacts, since: initial.deltaLink)
                return nil
            } catch let error as CRMError {
                return error.code
            }
        }
        #expect(code == .deltaTokenExpired)
    }
}

extension DynamicsConnectorTests {
    @Test func unavailableAnswersAreRetriedUntilEveryRecordIsRead() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 900)
        defer { fixture.stop() }
        try await fixture.faults(unavailableShare: 0.3)
        let records = try await collect(fixture.dynamics().pages(contacts, modifiedIn: nil)).records
        try await fixture.faults()
        #expect(records.count == (try await fixture.liveContacts(.dynamics)))
        #expect(Set(records.map(\.id)).count == records.count)
    }

    @Test func aMissingEntitySetGivesTheCRMsErrorCodeAndMessage() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 10)
        defer { fixture.stop() }
        let error = await #expect(throws: CRMError.self) {
            _ = try await collect(fixture.dynamics().pages(CRMQuery(remoteObject: "crmb_nothings"), modifiedIn: nil))
        }
        #expect(error?.code == .remote)
        #expect(error?.status == 404)
        #expect(error?.isRetriable == false)
        #expect(error?.message.isEmpty == false)
    }
}

extension DynamicsConnectorTests {
    @Test func fetchesTheNextPageOnlyWhenTheConsumerAsksForIt() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 1000)
        defer { fixture.stop() }
        let connector = fixture.dynamics()
        _ = try await connector.tokens.token()
        let start = try await fixture.requestCount()
        let pages = connector.pages(contacts, modifiedIn: nil)
        #expect(try await fixture.requestCount() == start)
        var iterator = pages.makeAsyncIterator()
        for expected in 1...3 {
            let page = try #require(try await iterator.next())
            #expect(page.count == contacts.pageSize)
            #expect(try await fixture.requestCount() == start + expected)
        }
    }

    @Test func aShortLivedTokenIsReusedInsteadOfFetchedForEveryCall() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 10)
        defer { fixture.stop() }
        try await fixture.admin("PUT", "dynamics/tokens", json: #"{"lifetimeSeconds":30}"#)
        let connector = fixture.dynamics()
        let first = try await connector.tokens.token()
        #expect(try await connector.tokens.token() == first)
        let records = try await collect(connector.pages(contacts, modifiedIn: nil)).records
        #expect(records.count == (try await fixture.liveContacts(.dynamics)))
        #expect(try await connector.tokens.token() == first)
    }
}
