import Foundation
import Logging

/// Reads single messages at given offsets (assign, then poll) to learn their timestamps,
/// for offset searches the broker cannot answer. Its group id is private and never
/// joined or committed. Use from one blocking queue at a time.
final class KafkaPartitionReader {
    private let client: RDKafkaClient
    private let timeout: Duration

    init(configuration: KafkaConfiguration, logger: Logger) throws {
        let role = KafkaClientRole.offsetClient(groupID: "crmbridge-admin-reader-\(UUID().uuidString)")
        client = try RDKafkaClient(
            role: role, properties: configuration.librdkafkaProperties(for: role), logger: logger)
        timeout = configuration.requestTimeout
    }

    /// The timestamp (ms since 1970) of the first message at or after `offset`, and its
    /// offset; `nil` when the partition has no message there.
    func message(topic: String, partition: Int32, at offset: Int64) throws -> (offset: Int64, timestamp: Int64)? {
        try client.assign([KafkaTopicPartitionOffset(topic: topic, partition: partition, offset: offset)])
        defer { client.unassign() }

        let deadline = ContinuousClock.now + timeout
        var topics = RDKafkaTopicNames()
        while ContinuousClock.now < deadline {
            switch client.consumerPoll(timeout: deadline - ContinuousClock.now, topics: &topics) {
            case nil:
                continue
            case .endOfPartition:
                return nil
            case .error(let code, _, _):
                let error = KafkaError(code, function: "rd_kafka_consumer_poll")
                if error.isRetriable { continue }
                throw error
            case .message(let message):
                guard message.partition == partition, message.offset >= offset else { continue }
                // librdkafka's -1 for "no timestamp" sorts before every real time.
                let milliseconds = message.timestamp.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } ?? -1
                return (message.offset, milliseconds)
            }
        }
        throw KafkaError(
            code: .timedOut, message: "no message read from \(topic)[\(partition)] at offset \(offset)",
            function: "rd_kafka_consumer_poll")
    }
}
