@testable import CRMConnectors
import CoreValues
import Foundation
import HTTPBridge
import Testing

/// Salesforce exports above `bulkAbove` go as one Bulk API 2.0 job against the emulator,
/// whose results come back shuffled and some unprocessed: every mode's results are matched
/// to the rows by key (never by position), failed records are rejects, unprocessed ones
/// are sent again through Collections.
@Suite struct SalesforceExportBulkTests {
    static let externalID = "CRMB_External_Id__c"

    func writer(_ fixture: CRMEmulatorFixture, _ operation: CRMExportTarget.Operation, keyField: String? = nil) -> SalesforceExportWriter {
        SalesforceExportWriter(
            target: CRMExportTarget(export: "bulk", object: "Account", operation: operation, keyField: keyField, alternateKey: keyField != nil),
            configuration: fixture.salesforce().configuration, http: fixture.http, logger: fixture.logger,
            parallelCalls: 4, bulkAbove: 50, bulkMaxRecords: 500, bulkPollInterval: .milliseconds(20), limiter: CRMBudgetLimiter())
    }

    /// Accounts carrying an external id of ours, by that id: (Id, Name, BillingCity).
    func accounts(_ fixture: CRMEmulatorFixture) async throws -> [String: (id: String, name: String?, city: String?)] {
        let (records, _) = try await collect(fixture.salesforce().pages(
            CRMQuery(remoteObject: "Account", fields: [Self.externalID, "Name", "BillingCity"]), modifiedIn: nil))
        var found: [String: (id: String, name: String?, city: String?)] = [:]
        for record in records {
            guard case .string(let key)? = record.fields[Self.externalID], key.hasPrefix("bulk-") else { continue }
            found[key] = (record.id, record.fields["Name"]?.text, record.fields["BillingCity"]?.text)
        }
        return found
    }

    func usage(_ fixture: CRMEmulatorFixture) async throws -> Int {
        let response = try await fixture.admin("GET", "salesforce/limits")
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        return try #require(object?["apiRequestsUsed"] as? Int)
    }

    @Test func upsertUpdateAndDeleteAboveTheThresholdGoThroughBulkAndAreMatchedByKey() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 101)
        defer { fixture.stop() }
        // Every 7th row comes back unprocessed: Collections sends those again.
        _ = try await fixture.admin("PUT", "salesforce/bulk", json: #"{"unprocessedEvery":7}"#)
        let tooLong: Set<Int> = [5, 61, 62]
        let rows = (0..<120).map { index in
            var fields: [String: FieldValue] = ["Name": .string(tooLong.contains(index) ? String(repeating: "n", count: 300) : "Account \(index)")]
            // Absent on odd rows (an empty CSV field: left alone).
            if index.isMultiple(of: 2) { fields["BillingCity"] = .string("City \(index), \"quoted\"") }
            return CRMExportRecord(rowID: String(index), key: "bulk-\(index)", fields: fields)
        }
        let usageBefore = try await usage(fixture)
        let upserted = try await writer(fixture, .upsert, keyField: Self.externalID).write(rows)
        // A bulk job is several calls (create, upload, complete, polls, three result sets);
        // Collections would have sent these 120 rows in one.
        #expect(try await usage(fixture) - usageBefore >= 6)
        for (index, outcome) in upserted.enumerated() {
            if tooLong.contains(index) {
                #expect(outcome == .rejected(code: "STRING_TOO_LONG", message: outcome.message ?? ""), "row \(index): \(outcome)")
            } else {
                #expect(outcome == .written, "row \(index): \(outcome)")
            }
        }
        var stored = try await accounts(fixture)
        #expect(stored.count == 117)
        for index in 0..<120 where !tooLong.contains(index) {
            let account = try #require(stored["bulk-\(index)"], "row \(index) has no account")
            #expect(account.name == "Account \(index)")
            #expect(account.city == (index.isMultiple(of: 2) ? "City \(index), \"quoted\"" : nil))
        }

        // Update by Id: 58 accounts renamed, one Id that does not exist is a reject.
        let renamed = (6..<66).filter { !tooLong.contains($0) }.map { index in
            CRMExportRecord(rowID: String(index), key: stored["bulk-\(index)"]?.id, fields: ["Name": .string("Renamed \(index)")])
        } + [CRMExportRecord(rowID: "missing", key: "001000000000000AAA", fields: ["Name": .string("nobody")])]
        let updated = try await writer(fixture, .update).write(renamed)
        #expect(updated.dropLast().allSatisfy { $0 == .written }, "\(updated)")
        guard case .rejected? = updated.last else {
            Issue.record("an update of a missing Id was not rejected: \(String(describing: updated.last))")
            return
        }
        stored = try await accounts(fixture)
        for index in 6..<66 where !tooLong.contains(index) {
            #expect(stored["bulk-\(index)"]?.name == "Renamed \(index)")
            // The city was not in the update: left as it was.
            #expect(stored["bulk-\(index)"]?.city == (index.isMultiple(of: 2) ? "City \(index), \"quoted\"" : nil))
        }

        // Delete by Id: 59 accounts, one of them twice in the write (already gone the second time: deleted).
        let doomed = (70..<120).compactMap { stored["bulk-\($0)"]?.id } + (0..<5).compactMap { stored["bulk-\($0)"]?.id }
        let deletes = (doomed + [doomed[0]]).enumerated().map { CRMExportRecord(rowID: String($0.offset), key: $0.element, fields: [:]) }
        let deleted = try await writer(fixture, .delete).write(deletes)
        #expect(deleted.allSatisfy { $0 == .written }, "\(deleted)")
        stored = try await accounts(fixture)
        #expect(stored.count == 117 - doomed.count)
        #expect(doomed.allSatisfy { id in !stored.values.contains { $0.id == id } })
    }

    @Test func insertsAboveTheThresholdAreMatchedByTheirWholeRow() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 102)
        defer { fixture.stop() }
        _ = try await fixture.admin("PUT", "salesforce/bulk", json: #"{"unprocessedEvery":5}"#)
        // 70 distinct rows, then 10 alike in every value: interchangeable, each answered once.
        let rows = (0..<70).map { index in
            CRMExportRecord(rowID: String(index), key: nil, fields: [
                "Name": .string(index == 33 ? String(repeating: "x", count: 300) : "Inserted \(index)"),
                Self.externalID: .string("bulk-insert-\(index)"),
            ])
        } + (70..<80).map { CRMExportRecord(rowID: String($0), key: nil, fields: ["Name": .string("Twin"), "BillingCity": .string("Same")]) }
        let outcomes = try await writer(fixture, .insert).write(rows)
        for (index, outcome) in outcomes.enumerated() {
            if index == 33 {
                guard case .rejected(let code, _) = outcome else {
                    Issue.record("the row with a name too long was not rejected: \(outcome)")
                    continue
                }
                #expect(code == "STRING_TOO_LONG")
            } else {
                #expect(outcome == .written, "row \(index): \(outcome)")
            }
        }
        let stored = try await accounts(fixture)
        #expect(stored.count == 69)
        for index in 0..<70 where index != 33 {
            #expect(stored["bulk-insert-\(index)"]?.name == "Inserted \(index)")
        }
        let (all, _) = try await collect(fixture.salesforce().pages(CRMQuery(remoteObject: "Account", fields: ["Name"]), modifiedIn: nil))
        #expect(all.filter { $0.fields["Name"] == .string("Twin") }.count == 10)
    }
}

private extension CRMWriteOutcome {
    var message: String? {
        if case .rejected(_, let message) = self { return message }
        return nil
    }
}
