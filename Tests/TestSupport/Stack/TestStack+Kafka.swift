import Foundation
import KafkaBridge
import WorkflowRuntime

/// The Kafka side of a test stack, read with a client of its own.
extension TestStack {
    /// The messages of `topic` from its start to (at least) its end when called, read by a group of its own.
    public func messages(_ topic: String, timeout: Duration = .seconds(60)) async throws -> [KafkaMessage] {
        let configuration = kafkaConfiguration(clientID: "crmbridge-test-reader")
        let admin = try KafkaAdmin(configuration: configuration, logger: TestKafka.logger)
        let high = try await admin.watermarks(topic: topic).mapValues(\.high)
        let consumer = try KafkaConsumer(configuration: configuration, groupID: TestKafka.uniqueName("test-reader"), logger: TestKafka.logger)
        defer { Task { await consumer.close() } }
        try await consumer.subscribe(topics: [topic])
        var messages: [KafkaMessage] = []
        var last: [Int32: Int64] = [:]
        // At least up to the end it had when called (more may come meanwhile).
        func reachedEnd() -> Bool { high.allSatisfy { $0.value == 0 || last[$0.key, default: -1] >= $0.value - 1 } }
        try await eventually("the end \(high) of \(topic) (read \(messages.count) messages, last offsets \(last))",
                             timeout: timeout, interval: .zero) {
            if reachedEnd() { return true }
            let batch = try await consumer.poll(maxMessages: 5000, timeout: .milliseconds(200))
            for message in batch { last[message.partition] = max(last[message.partition] ?? -1, message.offset) }
            messages += batch
            return reachedEnd()
        }
        return messages
    }

    /// The writer group's committed offset per partition of `topic` (absent: never committed).
    public func committedOffsets(_ topic: String) async throws -> [Int32: Int64] {
        let admin = try KafkaAdmin(configuration: kafkaConfiguration(), logger: TestKafka.logger)
        return try await admin.committedOffsets(group: Topics.writerGroup(.crmToCampaign), topic: topic)
    }
}

extension TestStack {
    /// Publishes `records` (key, value) to `topic` by hand, as another application could.
    public func produce(_ topic: String, _ records: [(key: String, value: [UInt8])]) async throws {
        let producer = try KafkaProducer(configuration: kafkaConfiguration(clientID: "crmbridge-test-producer"), logger: TestKafka.logger)
        do {
            try await producer.send(records.map { KafkaRecord(topic: topic, key: Array($0.key.utf8), value: $0.value) })
        } catch {
            await producer.close()
            throw error
        }
        await producer.close()
    }
}
