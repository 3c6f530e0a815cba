import CoreValues
import Foundation
import KafkaBridge
import Testing
import WorkflowRuntime
@testable import CRMConnectors
@testable import EgressService

/// The pipelined writer's rules, alone: which polls must be answered and committed before
/// the next one's calls may go out, and the records a poll names.
@Suite struct WritesInFlightTests {
    func offsets(_ offset: Int64) -> [KafkaTopicPartitionOffset] {
        [KafkaTopicPartitionOffset(topic: Topics.emailEvents, partition: 0, offset: offset)]
    }

    @Test func aPollOfOtherRecordsStartsAtOnceUntilTheWindowIsFull() {
        var inFlight = WritesInFlight<Int>(limit: 2)
        #expect(inFlight.isEmpty)
        inFlight.add(1, keys: ["a", "b"], offsets: offsets(2))
        #expect(inFlight.mustSettle(before: ["c"]) == 0)
        #expect(!inFlight.isFull)
        inFlight.add(2, keys: ["c"], offsets: offsets(3))
        #expect(inFlight.isFull)
    }

    @Test func aPollRepeatingARecordInFlightWaitsForEveryPollUpToTheNewestThatNamesIt() {
        var inFlight = WritesInFlight<Int>(limit: 4)
        inFlight.add(1, keys: ["a"], offsets: offsets(1))
        inFlight.add(2, keys: ["b"], offsets: offsets(2))
        inFlight.add(3, keys: ["c"], offsets: offsets(3))
        // Committed in order, so waiting for poll 2 means settling poll 1 first.
        #expect(inFlight.mustSettle(before: ["b", "x"]) == 2)
        #expect(inFlight.mustSettle(before: ["a"]) == 1)
        #expect(inFlight.mustSettle(before: ["c", "a"]) == 3)
        #expect(inFlight.mustSettle(before: ["x"]) == 0)
    }

    @Test func pollsComeOutOldestFirstWithTheirOffsets() {
        var inFlight = WritesInFlight<Int>(limit: 3)
        inFlight.add(1, keys: ["a"], offsets: offsets(10))
        inFlight.add(2, keys: ["b"], offsets: offsets(20))
        let oldest = inFlight.removeOldest()
        #expect(oldest?.write == 1)
        #expect(oldest?.offsets.first?.offset == 10)
        #expect(inFlight.mustSettle(before: ["a"]) == 0, "a settled poll holds its records no more")
        #expect(inFlight.removeAll().map(\.write) == [2])
        #expect(inFlight.removeOldest() == nil)
    }

    func event(_ id: String, offset: Int64, partition: Int32 = 0) -> KafkaMessage {
        let envelope = Envelope(
            op: .upsert, system: .campaign, entity: EmailEventEnvelopesName.entity, id: id, modifiedAt: Date(),
            fields: ["event_type": .string("open"), "crm_id": .string("0b9e3f4c-1d2e-4f60-8a7b-9c0d1e2f3a4b"),
                     "occurred_at": .string("2026-12-06T10:00:00Z")])
        return KafkaMessage(topic: Topics.emailEvents, partition: partition, offset: offset, key: Array(id.utf8),
                            value: envelope.encoded(), headers: [], timestamp: nil)
    }

    @Test func aPollNamesEachEventItWritesAndCommitsPastItsLastMessagePerPartition() {
        let poll = EgressPoll(messages: [
            event("1", offset: 7), event("2", offset: 8), event("1", offset: 9),
            event("3", offset: 4, partition: 1),
            KafkaMessage(topic: Topics.emailEvents, partition: 1, offset: 5, key: nil, value: Array("{bad".utf8), headers: [], timestamp: nil),
        ], exports: [:])
        #expect(poll.keys == ["email-event|1", "email-event|2", "email-event|3"])
        #expect(poll.emailEvents?.items.count == 3)
        #expect(poll.emailEvents?.rejects.count == 1)
        let next = Dictionary(uniqueKeysWithValues: poll.offsets.map { ($0.partition, $0.offset) })
        #expect(next == [0: 10, 1: 6])
    }

    @Test func callsOfOneWriteAreOfEqualSize() {
        #expect(CRMBatchWrite.equalCalls(Array(0..<1040), callSize: 1000).map(\.count) == [520, 520])
        #expect(CRMBatchWrite.equalCalls(Array(0..<2501), callSize: 1000).map(\.count) == [834, 834, 833])
        #expect(CRMBatchWrite.equalCalls(Array(0..<1000), callSize: 1000).map(\.count) == [1000])
        #expect(CRMBatchWrite.equalCalls([], callSize: 1000).isEmpty)
        let calls = CRMBatchWrite.equalCalls(Array(0..<7), callSize: 3)
        #expect(calls == [[0, 1, 2], [3, 4], [5, 6]])
    }
}
