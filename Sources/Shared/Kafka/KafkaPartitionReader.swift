import CRDKafka
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
            role: role, properties: configuration.librdkafkaProperties(for: role),
            logger: logger, destroyFlags: RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE)
        timeout = configuration.requestTimeout
    }

    /// The timestamp (ms since 1970) of the first message at or after `offset`, and its
    /// offset; `nil` when the partition has no message there.
    func message(topic: String, partition: Int32, at offset: Int64) throws -> (offset: Int64, timestamp: Int64)? {
        let list = RDKafkaTopicPartitionList(capacity: 1)
        list.add(topic: topic, partition: partition, offset: offset)
        try KafkaError.check(list.withListPointer { rd_kafka_assign(client.handle, $0) }, function: "rd_kafka_assign")
        defer { _ = rd_kafka_assign(client.handle, nil) }

        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard let raw = rd_kafka_consumer_poll(client.handle, (deadline - ContinuousClock.now).kafkaMilliseconds) else {
                continue
            }
            defer { rd_kafka_message_destroy(raw) }
            let message = raw.pointee
            if message.err == RD_KAFKA_RESP_ERR__PARTITION_EOF {
                return nil
            }
            guard message.err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                let error = KafkaError(message.err, function: "rd_kafka_consumer_poll")
                if error.isRetriable { continue }
                throw error
            }
            guard message.partition == partition, message.offset >= offset else { continue }
            var type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
            return (message.offset, rd_kafka_message_timestamp(raw, &type))
        }
        throw KafkaError(
            code: .timedOut, message: "no message read from \(topic)[\(partition)] at offset \(offset)",
            function: "rd_kafka_consumer_poll")
    }
}
