import Foundation
@testable import KafkaBridge
import TestSupport
import Testing

/// librdkafka 2.0 stops fetching once a consumer's prefetch is full and looks again only
/// when its broker thread next wakes, up to a second later; the consumer's fetch nudge
/// wakes it after every poll that returned messages (`KafkaFetchNudge`).
@Suite("Kafka fetch nudge: a drained prefetch is refetched at once")
struct KafkaFetchNudgeTests {
    /// A prefetch of one message: every fetch fills it, so without the nudge each of the
    /// ~100 fetches would wait for the broker thread's second and the polls in between
    /// (100 ms each) would come back empty with messages still on the broker.
    @Test func aConsumerWithAFullPrefetchIsNotLeftWaitingForTheBrokerThread() async throws {
        try #require(KafkaFetchNudge.isNeeded, "librdkafka \(RDKafkaLibrary.version) has fetch.queue.backoff.ms instead")
        let topic = try TestKafka.createTopic("nudge", partitions: 1)
        let producer = try KafkaProducer(configuration: try TestKafka.configuration(), logger: TestKafka.logger)
        let count = 100
        for index in 0..<count {
            // One send per message: each is its own batch, which a fetch returns whole.
            try await producer.send([KafkaRecord(topic: topic, key: "key", value: Data("record-\(index)".utf8))])
        }
        await producer.close()

        var configuration = try TestKafka.configuration()
        configuration.additional["queued.min.messages"] = "1"
        configuration.additional["message.max.bytes"] = "1000"
        configuration.additional["fetch.max.bytes"] = "1000"
        let consumer = try KafkaConsumer(configuration: configuration, groupID: TestKafka.uniqueName("nudged"), logger: TestKafka.logger)
        try await consumer.subscribe(topics: [topic])
        var received: [KafkaMessage] = []
        var emptyPollsAfterTheFirstMessage = 0
        try await eventually("all \(count) messages", timeout: .seconds(60), interval: .zero) {
            let batch = try await consumer.poll(maxMessages: 1000, timeout: .milliseconds(100))
            if batch.isEmpty && !received.isEmpty { emptyPollsAfterTheFirstMessage += 1 }
            received += batch
            return received.count >= count
        }
        await consumer.close()

        #expect(received.map { String(decoding: $0.value ?? [], as: UTF8.self) } == (0..<count).map { "record-\($0)" })
        let nudges = try #require(consumer.fetchNudge).sent
        #expect(nudges >= 1, "the nudge woke the broker thread")
        // Without the nudge each refetch waits up to a second: ten empty polls per fetch.
        #expect(emptyPollsAfterTheFirstMessage < 10, "\(emptyPollsAfterTheFirstMessage) polls came back empty with messages left")
    }
}
