import Foundation
import KafkaBridge
import TestSupport
import Testing

@Suite("Kafka consumer groups: rebalances, commits, at-least-once")
struct KafkaConsumerGroupTests {
    /// Polls both members (each poll may carry messages) until `done` holds.
    private func pollBoth(
        _ a: KafkaConsumer, _ b: KafkaConsumer, into received: inout (a: [KafkaMessage], b: [KafkaMessage]),
        _ what: String, until done: () -> Bool
    ) async throws {
        try await eventually(what, interval: .zero) {
            if done() { return true }
            async let fromA = a.poll(maxMessages: 1000, timeout: .milliseconds(100))
            async let fromB = b.poll(maxMessages: 1000, timeout: .milliseconds(100))
            let (newA, newB) = try await (fromA, fromB)
            received.a += newA
            received.b += newB
            return done()
        }
    }

    private func produceKeyed(_ topic: String, count: Int) async throws {
        let producer = try KafkaProducer(configuration: try TestKafka.configuration(), logger: TestKafka.logger)
        try await producer.send((0..<count).map {
            KafkaRecord(topic: topic, key: "key-\($0 % 40)", value: Data("record-\($0)".utf8))
        })
        await producer.close()
    }

    @Test func messagesReadButNotCommittedByAKilledMemberAreDeliveredAgainToTheOther() async throws {
        let topic = try TestKafka.createTopic("atleastonce", partitions: 4)
        let group = TestKafka.uniqueName("writers")
        let configuration = try TestKafka.configuration()
        let a = try KafkaConsumer(configuration: configuration, groupID: group, logger: TestKafka.logger)
        let b = try KafkaConsumer(configuration: configuration, groupID: group, logger: TestKafka.logger)
        try await a.subscribe(topics: [topic])
        try await b.subscribe(topics: [topic])
        var received: (a: [KafkaMessage], b: [KafkaMessage]) = ([], [])
        try await pollBoth(a, b, into: &received, "both members own two partitions") {
            a.assignment.count == 2 && b.assignment.count == 2
        }
        let partitionsOfA = Set(a.assignment.map(\.partition))
        #expect(received.a.isEmpty && received.b.isEmpty)

        try await produceKeyed(topic, count: 400)
        let admin = try KafkaAdmin(configuration: configuration, logger: TestKafka.logger)
        let high = try await admin.watermarks(topic: topic).mapValues(\.high)
        let highOfA = high.filter { partitionsOfA.contains($0.key) }
        #expect(highOfA.values.allSatisfy { $0 >= 2 }, "each of A's partitions got messages")

        // A reads all of its partitions, processes the first half of each, commits that, and dies.
        let readByA = try await TestKafka.consume(a, "A reads its partitions to the end") {
            TestKafka.reachedEnd($0, topic: topic, high: highOfA)
        }
        #expect(Set(readByA.map(\.partition)) == partitionsOfA)
        var committedByA: [Int32: Int64] = [:]
        for (partition, end) in highOfA {
            committedByA[partition] = end / 2
        }
        let commit = try await a.commit(committedByA.map {
            KafkaTopicPartitionOffset(topic: topic, partition: $0.key, offset: $0.value)
        })
        #expect(commit.dropped.isEmpty)
        await a.close()

        // B takes over A's partitions and must see exactly A's uncommitted messages again.
        var readByB = received.b
        try await eventually("B owns all partitions and read them to the end", interval: .zero) {
            readByB += try await b.poll(maxMessages: 1000, timeout: .milliseconds(200))
            return b.assignment.count == 4 && TestKafka.reachedEnd(readByB, topic: topic, high: high)
        }
        await b.close()

        struct Position: Hashable { var partition: Int32; var offset: Int64 }
        let uncommittedByA = Set(readByA.filter { $0.offset >= committedByA[$0.partition] ?? 0 }
            .map { Position(partition: $0.partition, offset: $0.offset) })
        let redelivered = Set(readByB.filter { partitionsOfA.contains($0.partition) }
            .map { Position(partition: $0.partition, offset: $0.offset) })
        #expect(!uncommittedByA.isEmpty)
        #expect(redelivered == uncommittedByA, "B re-reads exactly what A read but did not commit")

        let everything = Set((readByA.filter { $0.offset < committedByA[$0.partition] ?? 0 } + readByB)
            .map { String(decoding: $0.value ?? [], as: UTF8.self) })
        #expect(everything == Set((0..<400).map { "record-\($0)" }), "nothing is lost")
    }

    @Test func commitsForPartitionsRevokedByARebalanceAreDroppedNotSent() async throws {
        let topic = try TestKafka.createTopic("revoked", partitions: 4)
        let group = TestKafka.uniqueName("writers")
        let configuration = try TestKafka.configuration()
        try await produceKeyed(topic, count: 200)
        let admin = try KafkaAdmin(configuration: configuration, logger: TestKafka.logger)
        let high = try await admin.watermarks(topic: topic).mapValues(\.high)

        let a = try KafkaConsumer(configuration: configuration, groupID: group, logger: TestKafka.logger)
        try await a.subscribe(topics: [topic])
        let readByA = try await TestKafka.consume(a, "A alone reads everything") {
            TestKafka.reachedEnd($0, topic: topic, high: high)
        }
        #expect(a.assignment.count == 4)

        let b = try KafkaConsumer(configuration: configuration, groupID: group, logger: TestKafka.logger)
        try await b.subscribe(topics: [topic])
        var received: (a: [KafkaMessage], b: [KafkaMessage]) = ([], [])
        try await pollBoth(a, b, into: &received, "the partitions are split") {
            a.assignment.count == 2 && b.assignment.count == 2
        }
        let keptByA = a.assignment

        // A commits everything it processed, including partitions it no longer owns.
        var last: [KafkaTopicPartition: KafkaTopicPartitionOffset] = [:]
        for message in readByA { last[message.topicPartition] = message.nextOffset }
        let result = try await a.commit(Array(last.values))
        #expect(Set(result.committed.map(\.topicPartition)) == keptByA)
        #expect(Set(result.dropped.map(\.topicPartition)) == Set(last.keys).subtracting(keptByA))

        let committed = try await admin.committedOffsets(group: group, topic: topic)
        #expect(Set(committed.keys) == Set(keptByA.map(\.partition)), "only owned partitions were committed")
        await a.close()
        await b.close()
    }

    @Test func pausedPartitionsDeliverNothingUntilResumed() async throws {
        let topic = try TestKafka.createTopic("paused", partitions: 1)
        let configuration = try TestKafka.configuration()
        let consumer = try KafkaConsumer(configuration: configuration, groupID: TestKafka.uniqueName("paused"), logger: TestKafka.logger)
        try await consumer.subscribe(topics: [topic])
        try await eventually("the partition is assigned") {
            _ = try await consumer.poll(maxMessages: 1, timeout: .milliseconds(100))
            return consumer.assignment.count == 1
        }
        try await consumer.pause(Array(consumer.assignment))
        try await produceKeyed(topic, count: 10)
        let admin = try KafkaAdmin(configuration: configuration, logger: TestKafka.logger)
        try await eventually("the messages are in the log") {
            try await admin.watermarks(topic: topic)[0]?.high == 10
        }
        let whilePaused = try await consumer.poll(maxMessages: 100, timeout: .seconds(1))
        #expect(whilePaused.isEmpty)

        try await consumer.resume(Array(consumer.assignment))
        let afterResume = try await TestKafka.consume(consumer, "messages after resume") { $0.count >= 10 }
        #expect(afterResume.count == 10)
        await consumer.close()
    }
}
