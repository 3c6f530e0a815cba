import Foundation
import KafkaBridge
import TestSupport
import Testing

@Suite("Kafka admin: lag, committed offsets, offset resets, topics")
struct KafkaAdminTests {
    private func positionsByValue(_ messages: [KafkaMessage]) -> Set<String> {
        Set(messages.map { String(decoding: $0.value ?? [], as: UTF8.self) })
    }

    @Test func lagIsProducedMinusProcessedExactly() async throws {
        let topic = try TestKafka.createTopic("lag", partitions: 4)
        let group = TestKafka.uniqueName("writers")
        let configuration = try TestKafka.configuration()
        let producer = try KafkaProducer(configuration: configuration, logger: TestKafka.logger)
        try await producer.send((0..<1000).map {
            KafkaRecord(topic: topic, key: "key-\($0 % 97)", value: Data("record-\($0)".utf8))
        })
        await producer.close()
        let admin = try KafkaAdmin(configuration: configuration, logger: TestKafka.logger)
        let high = try await admin.watermarks(topic: topic).mapValues(\.high)

        let untouched = try await admin.lag(group: TestKafka.uniqueName("idle"), topics: [topic])
        #expect(untouched.total == 1000, "a group that never committed lags by everything")

        let consumer = try KafkaConsumer(configuration: configuration, groupID: group, logger: TestKafka.logger)
        try await consumer.subscribe(topics: [topic])
        let messages = try await TestKafka.consume(consumer, "everything read") {
            TestKafka.reachedEnd($0, topic: topic, high: high)
        }
        // Process (and commit) the first third of each partition.
        var processed: [Int32: Int64] = [:]
        for (partition, end) in high { processed[partition] = end / 3 }
        try await consumer.commit(processed.map {
            KafkaTopicPartitionOffset(topic: topic, partition: $0.key, offset: $0.value)
        })
        await consumer.close()
        #expect(messages.count == 1000)

        let lag = try await admin.lag(group: group, topics: [topic])
        let processedCount = processed.values.reduce(0, +)
        #expect(processedCount > 0)
        #expect(lag.total == 1000 - processedCount)
        #expect(lag.total(topic: topic) == lag.total)
        for entry in lag.partitions {
            #expect(entry.lag == (high[entry.partition] ?? 0) - (processed[entry.partition] ?? 0))
            #expect(entry.committed == processed[entry.partition])
        }
        let committed = try await admin.committedOffsets(group: group, topic: topic)
        #expect(committed == processed)
    }

    @Test func resettingToATimestampOrToEarliestRedeliversExactlyTheExpectedMessages() async throws {
        let topic = try TestKafka.createTopic("replay", partitions: 2)
        let group = TestKafka.uniqueName("writers")
        let configuration = try TestKafka.configuration()
        let now = Date()
        let firstWave = now.addingTimeInterval(-7200)
        let secondWave = now.addingTimeInterval(-3600)
        let producer = try KafkaProducer(configuration: configuration, logger: TestKafka.logger)
        try await producer.send((0..<40).map {
            KafkaRecord(topic: topic, key: "key-\($0 % 7)", value: Data("old-\($0)".utf8),
                        timestamp: firstWave.addingTimeInterval(Double($0)))
        })
        try await producer.send((0..<60).map {
            KafkaRecord(topic: topic, key: "key-\($0 % 7)", value: Data("new-\($0)".utf8),
                        timestamp: secondWave.addingTimeInterval(Double($0)))
        })
        await producer.close()
        let admin = try KafkaAdmin(configuration: configuration, logger: TestKafka.logger)
        let high = try await admin.watermarks(topic: topic).mapValues(\.high)

        // A writer processes everything and commits it.
        let writer = try KafkaConsumer(configuration: configuration, groupID: group, logger: TestKafka.logger)
        try await writer.subscribe(topics: [topic])
        let all = try await TestKafka.consume(writer, "everything read") { TestKafka.reachedEnd($0, topic: topic, high: high) }
        try await writer.commit(all.map(\.nextOffset))
        await writer.close()
        #expect(try await admin.lag(group: group, topics: [topic]).total == 0)

        // Replay from a time between the waves: exactly the second wave comes back.
        let cutoff = secondWave.addingTimeInterval(-60)
        let expectedStart = Dictionary(grouping: all.filter { ($0.timestamp ?? .distantPast) >= cutoff }, by: \.partition)
            .mapValues { $0.map(\.offset).min() ?? 0 }
        let moved = try await admin.resetOffsets(group: group, topic: topic, to: .timestamp(cutoff))
        #expect(moved == high.mapValues { _ in 0 }.merging(expectedStart) { $1 })
        #expect(try await admin.lag(group: group, topics: [topic]).total == 60)

        let replayer = try KafkaConsumer(configuration: configuration, groupID: group, logger: TestKafka.logger)
        try await replayer.subscribe(topics: [topic])
        let replayed = try await TestKafka.consume(replayer, "the replay read to the end") {
            TestKafka.reachedEnd($0, topic: topic, high: high, start: moved)
        }
        try await replayer.commit(replayed.map(\.nextOffset))
        await replayer.close()
        #expect(replayed.count == 60)
        #expect(positionsByValue(replayed) == Set((0..<60).map { "new-\($0)" }))

        // Replay from the earliest offset: everything comes back.
        let earliest = try await admin.resetOffsets(group: group, topic: topic, to: .earliest)
        #expect(earliest == high.mapValues { _ in 0 })
        let again = try KafkaConsumer(configuration: configuration, groupID: group, logger: TestKafka.logger)
        try await again.subscribe(topics: [topic])
        let everything = try await TestKafka.consume(again, "the full replay read to the end") {
            TestKafka.reachedEnd($0, topic: topic, high: high)
        }
        await again.close()
        #expect(everything.count == 100)
        #expect(positionsByValue(everything) == Set((0..<40).map { "old-\($0)" } + (0..<60).map { "new-\($0)" }))
    }

    @Test func aTimestampAfterEveryMessageMovesTheGroupToTheEnd() async throws {
        let topic = try TestKafka.createTopic("replay-end", partitions: 2)
        let configuration = try TestKafka.configuration()
        let producer = try KafkaProducer(configuration: configuration, logger: TestKafka.logger)
        try await producer.send((0..<10).map {
            KafkaRecord(topic: topic, key: "key-\($0)", value: Data("v".utf8), timestamp: Date().addingTimeInterval(-60))
        })
        await producer.close()
        let admin = try KafkaAdmin(configuration: configuration, logger: TestKafka.logger)
        let high = try await admin.watermarks(topic: topic).mapValues(\.high)
        let group = TestKafka.uniqueName("fresh")
        let moved = try await admin.resetOffsets(group: group, topic: topic, to: .timestamp(Date()))
        #expect(moved == high)
        #expect(try await admin.lag(group: group, topics: [topic]).total == 0)
    }

    @Test func creatingATopicOnTheMockBrokerFallsBackToAutoCreationAndToleratesExistingTopics() async throws {
        let admin = try KafkaAdmin(configuration: try TestKafka.configuration(), logger: TestKafka.logger)
        let name = TestKafka.uniqueName("crmbridge.crm-to-campaign.contact")
        let created = try await admin.createTopic(name: name, partitions: 4, config: ["cleanup.policy": "compact"])
        #expect(created == .autoCreated(partitions: 4))
        #expect(try await admin.partitions(topic: name) == [0, 1, 2, 3])
        let again = try await admin.createTopic(name: name, partitions: 4)
        #expect(again == .autoCreated(partitions: 4) || again == .alreadyExisted)
    }

    @Test func badArgumentsGiveClearErrors() async throws {
        let admin = try KafkaAdmin(configuration: try TestKafka.configuration(), logger: TestKafka.logger)
        await #expect(throws: KafkaError.self) { try await admin.createTopic(name: "", partitions: 1) }
        await #expect(throws: KafkaError.self) { try await admin.createTopic(name: "x", partitions: 0) }
        await #expect(throws: KafkaError.self) { try await admin.committedOffsets(group: "", topic: "x") }
    }
}
