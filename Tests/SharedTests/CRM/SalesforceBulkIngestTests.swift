@testable import CRMConnectors
import CoreValues
import Foundation
@testable import HTTPBridge
import Testing
import TestSupport

/// Email events into Salesforce through Bulk API 2.0 against the emulator, whose results
/// come back shuffled, some failed and some unprocessed.
@Suite struct SalesforceBulkIngestTests {
    @Test func csvRoundTripsQuotesCommasAndLineBreaks() {
        let rows = [["a", "b,c", "say \"hi\""], ["line\nbreak", "", "#N/A"]]
        #expect(CSVText.decode(CSVText.encode(rows)) == rows)
        #expect(CSVText.decode("a,\"open") == nil)
    }

    @Test func shuffledResultsAreMatchedByKeyFailedRecordsAreRejectedAndUnprocessedOnesAreSentAgain() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 100)
        defer { fixture.stop() }
        let (contacts, _) = try await collect(fixture.salesforce().pages(CRMQuery(remoteObject: "Contact", fields: ["LastName"]), modifiedIn: nil))
        // Every 7th row comes back unprocessed: Collections sends those again.
        try await fixture.admin("PUT", "salesforce/bulk", json: #"{"unprocessedEvery":7}"#)
        let bad: Set<Int> = [3, 40, 41, 99]
        let events = (0..<120).map { index in
            CRMEmailEvent(
                eventID: "bulk-\(index)", kind: .click, contactID: bad.contains(index) ? "003000000000000AAA" : contacts[index % contacts.count].id,
                occurredAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(index)), campaignName: "C, \"quoted\"", url: "https://x.example/\(index)")
        }
        let writer = SalesforceEmailEventWriter(
            configuration: fixture.salesforce().configuration, http: fixture.http, logger: fixture.logger,
            bulkAbove: 50, bulkMaxRecords: 500, bulkPollInterval: .milliseconds(20), limiter: CRMBudgetLimiter())
        let outcomes = try await writer.upsert(events)
        #expect(outcomes.count == 120)
        for (index, outcome) in outcomes.enumerated() {
            if bad.contains(index) {
                guard case .rejected(let code, _) = outcome else {
                    Issue.record("record \(index) with a bad contact was not rejected: \(outcome)")
                    continue
                }
                #expect(!code.isEmpty)
            } else {
                #expect(outcome == .written, "record \(index)")
            }
        }
        let response = try await fixture.admin("GET", "salesforce/counts")
        let counts = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        let live = (counts?["CRMB_Email_Event__c"] as? [String: Any])?["live"] as? Int
        #expect(live == 116)
        // The record of one event carries that event's own values, whatever the result order.
        let (records, _) = try await collect(fixture.salesforce().pages(
            CRMQuery(remoteObject: "CRMB_Email_Event__c", fields: ["CRMB_Event_Id__c", "CRMB_URL__c", "CRMB_Campaign_Name__c"]), modifiedIn: nil))
        var checked = 0
        for record in records {
            guard case .string(let id)? = record.fields["CRMB_Event_Id__c"], case .string(let url)? = record.fields["CRMB_URL__c"] else { continue }
            checked += 1
            #expect(url == "https://x.example/" + id.dropFirst("bulk-".count))
            #expect(record.fields["CRMB_Campaign_Name__c"] == .string("C, \"quoted\""))
        }
        #expect(records.count == 116)
        #expect(checked == 116)
    }
}
