import Campaign
import CoreValues
import Foundation
import Logging
import PostgresBridge
import TestSupport
import Testing
import WorkflowRuntime

/// The echo ledger on a real PostgreSQL. The case that failed the CRM-faults chaos
/// scenario: the sync wrote a contact (confirmed), then a newer Campaign change made it
/// intend the next write; until that write lands the CRM still shows the first one, and
/// a CRM reader seeing it then took it for a CRM change made at the time of the write
/// (delayed by retries into the second of the newer Campaign flip, it won the tie, and
/// Campaign ended true where the flip said false).
@Suite struct OptOutEchoLedgerTests {
    private func ledger() async throws -> (OptOutEchoLedger, PostgresConnection) {
        let url = try await TestPostgres.shared().freshDatabase()
        let database = try await PostgresConnection.connect(url: Secret(url), logger: Logger(label: "test"))
        try await BridgeSchema.createIfMissing(on: database)
        return (OptOutEchoLedger(database: database), database)
    }

    private let id = "fe130000-0007-430a-8f4a-c8f528b1c998"
    private let campaignFlip = Date(timeIntervalSince1970: 1_796_565_183)
    private let written = Date(timeIntervalSince1970: 1_796_565_184)

    @Test func thePreviousWriteIsTheSyncsWhileTheNextIsOnlyIntended() async throws {
        let (ledger, database) = try await ledger()
        defer { Task { await database.close() } }
        try await ledger.intend([(id, true, campaignFlip)])
        try await ledger.confirm([.init(id: id, value: true, modifiedAt: written, stamp: "1001")])

        try await ledger.intend([(id, false, campaignFlip.addingTimeInterval(1))])
        let entry = try #require(try await ledger.entries([id])[id])
        #expect(entry.matches(value: true, modifiedAt: written, stamp: "1001"), "the CRM still shows the first write: the sync's")
        #expect(entry.sourceTime(value: true, modifiedAt: written, stamp: "1001") == campaignFlip, "with the Campaign time it carried")
        #expect(!entry.matches(value: true, modifiedAt: written, stamp: "1002"), "a person's save in that second is not")
        #expect(entry.matches(value: false, modifiedAt: written.addingTimeInterval(1), stamp: "1003"), "the intended write, before it is confirmed")

        try await ledger.confirm([.init(id: id, value: false, modifiedAt: written.addingTimeInterval(1), stamp: "1003")])
        let confirmed = try #require(try await ledger.entries([id])[id])
        #expect(!confirmed.matches(value: true, modifiedAt: written, stamp: "1001"), "once the next write landed, the first is gone from the CRM")
        #expect(confirmed.matches(value: false, modifiedAt: written.addingTimeInterval(1), stamp: "1003"))
    }

    @Test func aWriteThatDidNotHappenGivesThePreviousWriteBack() async throws {
        let (ledger, database) = try await ledger()
        defer { Task { await database.close() } }
        try await ledger.intend([(id, true, campaignFlip)])
        try await ledger.confirm([.init(id: id, value: true, modifiedAt: written, stamp: "1001")])
        try await ledger.intend([(id, false, campaignFlip.addingTimeInterval(1))])
        // A second intent before the first was confirmed (the call failed, the batch is retried).
        try await ledger.intend([(id, false, campaignFlip.addingTimeInterval(2))])
        try await ledger.forget([id])

        let entry = try #require(try await ledger.entries([id])[id], "the first write is still the sync's last")
        #expect(entry.value == true && entry.crmModifiedAt != nil && entry.previous == nil)
        #expect(entry.sourceTime(value: true, modifiedAt: written, stamp: "1001") == campaignFlip)

        try await ledger.intend([(id, false, campaignFlip.addingTimeInterval(3))])
        try await ledger.confirm([.init(id: id, value: false, modifiedAt: written.addingTimeInterval(3), stamp: "1004")])
        try await ledger.intend([(id, true, campaignFlip.addingTimeInterval(4))])
        try await ledger.forget([id])
        try await ledger.forget([id])
        #expect(try await ledger.entries([id])[id]?.matches(value: false, modifiedAt: written.addingTimeInterval(3), stamp: "1004") == true)

        let other = "fe130000-0008-4ffa-a64b-4004cb7e4e4b"
        try await ledger.intend([(other, true, campaignFlip)])
        try await ledger.forget([other])
        #expect(try await ledger.entries([other]).isEmpty, "a first write that did not happen leaves nothing")
    }
}
