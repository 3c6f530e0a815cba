import Foundation
import Shared
import TestSupport
import Testing

@Suite("Kafka producer and consumer against the mock broker")
struct KafkaProducerConsumerTests {
    @Test func singleSendReturnsTheOffsetTheBrokerAssigned() async throws {
        let topic = try TestKafka.createTopic("single", partitions: 1)
        let producer = try KafkaProducer(configuration: try TestKafka.configuration(), logger: TestKafka.logger)
        let first = try await producer.send(KafkaRecord(topic: topic, key: "a", value: Data("1".utf8)))
        let second = try await producer.send(KafkaRecord(topic: topic, key: "a", value: Data("2".utf8)))
        await producer.close()
        #expect(first.topic == topic)
        #expect(first.partition == 0)
        #expect(second.offset == first.offset + 1)
    }
}
