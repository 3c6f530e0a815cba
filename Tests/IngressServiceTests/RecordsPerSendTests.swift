@testable import IngressService
import KafkaBridge
import Testing

/// How many records a full load sends at once: five pages, at most 25,000 records, and
/// at most a quarter of a backlog bound, so one send cannot carry the backlog far past it.
@Suite struct RecordsPerSendTests {
    @Test func aSendHoldsFivePagesUpToTwentyFiveThousandRecords() {
        #expect(EnvelopePublisher.recordsPerSend(pageSize: 5000, maxBacklog: 0) == 25_000)
        #expect(EnvelopePublisher.recordsPerSend(pageSize: 5000, maxBacklog: 200_000) == 25_000)
        #expect(EnvelopePublisher.recordsPerSend(pageSize: 500, maxBacklog: 200_000) == 2_500)
        #expect(EnvelopePublisher.recordsPerSend(pageSize: 10_000, maxBacklog: 0) == 25_000)
    }

    @Test func aSmallBacklogBoundMakesSmallerSends() {
        #expect(EnvelopePublisher.recordsPerSend(pageSize: 5000, maxBacklog: 10_000) == 2_500)
        #expect(EnvelopePublisher.recordsPerSend(pageSize: 5000, maxBacklog: 3) == 1)
    }

    @Test func aBatchCountsEveryIDReadAndSendsOnlyThoseToPublish() {
        var batch = PublishBatch()
        #expect(batch.isEmpty)
        batch.add(read: ["a", "b", "c"], publishing: [KafkaRecord(topic: "t", key: Array("c".utf8), value: [1])])
        #expect(batch.readCount == 3)
        #expect(batch.readIDs == ["a", "b", "c"])
        #expect(batch.records.map(\.key) == [Array("c".utf8)])
    }
}
