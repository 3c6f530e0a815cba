@testable import CRMConnectors
import CoreValues
import Foundation
@testable import HTTPBridge
import Testing
import TestSupport

/// Email events into Dynamics with `UpsertMultiple` against the emulator over HTTP: one
/// request for a whole call, all or nothing on the (standard) activity tables, and the
/// `$batch` fallback that isolates a bad record at the cost of at most one extra call.
@Suite struct DynamicsBulkWriteTests {
    /// Some contact ids the emulator seeded.
    private func contactIDs(_ fixture: CRMEmulatorFixture, count: Int) async throws -> [String] {
        let (records, _) = try await collect(fixture.dynamics().pages(CRMQuery(remoteObject: "contacts", fields: ["lastname"], pageSize: count), modifiedIn: nil))
        return records.prefix(count).map(\.id)
    }

    private func writer(_ fixture: CRMEmulatorFixture, bulk: Bool = true) -> DynamicsEmailEventWriter {
        let connector = fixture.dynamics()
        return DynamicsEmailEventWriter(
            configuration: connector.configuration, http: fixture.http, logger: fixture.logger, batchSize: 1000,
            bulkMessages: bulk, limiter: CRMBudgetLimiter())
    }

    private func events(_ contacts: [String], prefix: String) -> [CRMEmailEvent] {
        contacts.enumerated().map { index, contact in
            CRMEmailEvent(
                eventID: "\(prefix)-\(index)", kind: index % 3 == 0 ? .open : .send, contactID: contact,
                occurredAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(index)), campaignName: "Spring", deliveryName: "D\(index)")
        }
    }

    private func count(_ fixture: CRMEmulatorFixture, _ set: String) async throws -> Int {
        let response = try await fixture.admin("GET", "dynamics/counts")
        let counts = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        return counts?[set] as? Int ?? -1
    }

    @Test func aCallOfGoodRecordsIsOneRequestPerTableAndLandsEveryRecord() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 100)
        defer { fixture.stop() }
        let contacts = try await contactIDs(fixture, count: 60)
        let writer = writer(fixture)
        _ = try await fixture.dynamics().tokens.token()
        let before = try await fixture.requestCount()
        let outcomes = try await writer.upsert(events(contacts, prefix: "bulk-ok"))
        #expect(outcomes.allSatisfy { $0.isWritten })
        // Two kinds (open, send): two UpsertMultiple requests, whatever the record count.
        let requests = try await fixture.requestCount() - before
        #expect(requests <= 3)  // a token request may come first
        let opens = try await count(fixture, "crmb_emailopens")
        let sends = try await count(fixture, "crmb_emailsends")
        #expect(contacts.count == 60)
        #expect(opens == 20)
        #expect(sends == 40)
        // Sent again (a re-delivered batch), the upsert by event id adds nothing.
        let again = try await writer.upsert(events(contacts, prefix: "bulk-ok"))
        #expect(again.allSatisfy { $0.isWritten })
        let sendsAfter = try await count(fixture, "crmb_emailsends")
        #expect(sendsAfter == 40)
    }

    @Test func oneBadRecordRollsTheBulkCallBackAndTheBatchFallbackLandsEveryGoodRecordWithOneExtraCall() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 100)
        defer { fixture.stop() }
        var contacts = try await contactIDs(fixture, count: 30)
        // A well-formed id of no contact: the bind fails, on a standard table for the whole call.
        contacts[7] = UUID().uuidString.lowercased()
        let all = events(contacts, prefix: "bulk-bad").map { event -> CRMEmailEvent in
            var event = event
            event.kind = .click
            return event
        }
        let writer = writer(fixture)
        _ = try await writer.call.tokens.token()
        let before = try await fixture.requestCount()
        let outcomes = try await writer.upsert(all)
        let requests = try await fixture.requestCount() - before
        #expect(requests == 2, "one UpsertMultiple, then one $batch: \(requests) requests")
        for (index, outcome) in outcomes.enumerated() {
            if index == 7 {
                guard case .rejected(let code, _) = outcome else {
                    Issue.record("the bad record was not rejected: \(outcome)")
                    continue
                }
                #expect(code == "0x80040217")
            } else {
                #expect(outcome == .written, "record \(index)")
            }
        }
        #expect(try await count(fixture, "crmb_emailclicks") == 29)
    }

    @Test func theEmulatorRefusesTheAlternateKeyRepeatedInTheBodyAndAWrongType() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 100)
        defer { fixture.stop() }
        let contacts = try await contactIDs(fixture, count: 1)
        let connector = fixture.dynamics()
        let url = connector.configuration.webAPIURL + "crmb_emailsends/Microsoft.Dynamics.CRM.UpsertMultiple"
        let token = try await connector.tokens.token()
        func post(_ body: String) async throws -> HTTPResponse {
            try await fixture.http.execute(HTTPRequest(
                method: "POST", url: url,
                headers: ["Authorization": "Bearer " + token.accessToken, "Content-Type": "application/json", "Accept": "application/json"],
                body: Array(body.utf8)))
        }
        let bind = "\"regardingobjectid_contact_crmb_emailsend@odata.bind\":\"/contacts(\(contacts[0]))\""
        let repeated = try await post("""
            {"Targets":[{"@odata.type":"Microsoft.Dynamics.CRM.crmb_emailsend","@odata.id":"crmb_emailsends(crmb_eventid='k1')","crmb_eventid":"k1","subject":"s",\(bind)}]}
            """)
        #expect(repeated.status == 400)
        #expect(repeated.bodyText.contains("0x80040216"))
        let wrongType = try await post("""
            {"Targets":[{"@odata.type":"Microsoft.Dynamics.CRM.contact","@odata.id":"crmb_emailsends(crmb_eventid='k2')","subject":"s",\(bind)}]}
            """)
        #expect(wrongType.status == 400)
        let good = try await post("""
            {"Targets":[{"@odata.type":"Microsoft.Dynamics.CRM.crmb_emailsend","@odata.id":"crmb_emailsends(crmb_eventid='k3')","subject":"s",\(bind)}]}
            """)
        #expect(good.status == 204)
        #expect(try await count(fixture, "crmb_emailsends") == 1)
    }
}
