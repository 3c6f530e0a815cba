import Foundation
import KafkaBridge
import TestSupport

/// What a reader and a writer do to Kafka, measured by the test itself: records
/// produced (delivery reports) and offsets committed by the writer group.
struct KafkaLoad {
    let configuration: KafkaConfiguration

    /// Produces `count` keyed records to `topic`; answers how many the broker acknowledged.
    func produce(_ count: Int, to topic: String, timestamp: Date? = nil, keyPrefix: String = "id") async throws -> Int {
        let producer = try KafkaProducer(configuration: configuration, logger: TestKafka.logger)
        let records = (0..<count).map { index in
            KafkaRecord(topic: topic, key: Array("\(keyPrefix)-\(index)".utf8), value: Array("{\"n\":\(index)}".utf8),
                        timestamp: timestamp)
        }
        try await producer.send(records)
        try await producer.flush(timeout: .seconds(30))
        await producer.close()
        return records.count
    }
}

/// A writer-group member that reads everything and commits only when told: the
/// committed total is what it measured itself.
final class TestWriter: Sendable {
    let consumer: KafkaConsumer
    let topic: String

    init(configuration: KafkaConfiguration, group: String, topic: String) async throws {
        consumer = try KafkaConsumer(configuration: configuration, groupID: group, logger: TestKafka.logger)
        self.topic = topic
        try await consumer.subscribe(topics: [topic])
    }

    /// Reads until `count` messages arrived.
    func read(_ count: Int) async throws -> [KafkaMessage] {
        let messages = try await TestKafka.consume(consumer, timeout: .seconds(60), "\(count) messages of \(topic)") {
            $0.count >= count
        }
        return messages
    }

    /// Commits past `messages`; answers the committed offsets per partition.
    @discardableResult
    func commit(through messages: [KafkaMessage]) async throws -> [Int32: Int64] {
        let result = try await consumer.commit(messages.map(\.nextOffset))
        guard result.dropped.isEmpty else { throw HarnessError("a rebalance dropped commits: \(result.dropped)") }
        var offsets: [Int32: Int64] = [:]
        for offset in result.committed {
            offsets[offset.partition] = max(offsets[offset.partition] ?? 0, offset.offset)
        }
        return offsets
    }

    func close() async {
        await consumer.close()
    }
}
