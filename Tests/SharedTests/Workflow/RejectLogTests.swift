import Logging
import TestSupport
import Testing
import WorkflowRuntime

@Suite struct RejectLogTests {
    func rejects(_ count: Int, symbol: (Int) -> String = { _ in "sqlstate-22001" }) -> [RejectStore.Reject] {
        (0..<count).map {
            RejectStore.Reject(workflow: .crmToCampaign, entity: "contact", recordID: "id-\($0)", errorSymbol: symbol($0),
                               errorMessage: "value too long", topic: nil, partition: nil, offset: nil)
        }
    }

    @Test func aFewRejectsAreEachLoggedWithTheirRecordAndCode() {
        let log = LogRecorder()
        RejectLog.log(rejects(3), to: log.logger())
        #expect(log.records.count == 3)
        #expect(log.records.allSatisfy { $0.level == .warning && $0.message == "record rejected" })
        #expect(log.records.map { $0.metadata["id"] } == ["id-0", "id-1", "id-2"])
        #expect(log.records.first?.metadata["errorSymbol"] == "sqlstate-22001")
    }

    @Test func manyRejectsAreLoggedFirstOneByOneThenCountedInASummary() throws {
        let log = LogRecorder()
        let count = RejectLog.oneByOne + 480
        RejectLog.log(rejects(count) { $0 % 2 == 0 ? "sqlstate-22001" : "sqlstate-23502" }, to: log.logger())
        #expect(log.records.count == RejectLog.oneByOne + 1)
        #expect(log.records.prefix(RejectLog.oneByOne).allSatisfy { $0.message == "record rejected" })
        let summary = try #require(log.records.last)
        #expect(summary.level == .warning)
        #expect(summary.metadata["rejected"] == "\(count)")
        #expect(summary.metadata["notListed"] == "480")
        #expect(summary.metadata["bySymbol"] == "sqlstate-22001=240,sqlstate-23502=240")
    }

    @Test func exactlyTheOneByOneLimitNeedsNoSummary() {
        let log = LogRecorder()
        RejectLog.log(rejects(RejectLog.oneByOne), to: log.logger())
        #expect(log.records.count == RejectLog.oneByOne)
        #expect(!log.records.contains { $0.message.hasPrefix("more records rejected") })
    }
}
