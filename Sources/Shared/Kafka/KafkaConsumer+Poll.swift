import CRDKafka
import Foundation
import Logging

extension KafkaConsumer {
    /// The poll loop, on the consumer's queue: blocks for the first message only.
    static func pollMessages(
        client: RDKafkaClient, logger: Logger, maxMessages: Int, timeout: Duration
    ) throws -> [KafkaMessage] {
        let deadline = ContinuousClock.now + timeout
        var messages: [KafkaMessage] = []
        var topics = TopicNames()
        while messages.count < maxMessages {
            let wait = messages.isEmpty ? (deadline - ContinuousClock.now).kafkaMilliseconds : 0
            guard let raw = rd_kafka_consumer_poll(client.handle, wait) else {
                if messages.isEmpty && ContinuousClock.now < deadline { continue }
                break
            }
            defer { rd_kafka_message_destroy(raw) }
            let error = raw.pointee.err
            if error == RD_KAFKA_RESP_ERR_NO_ERROR {
                messages.append(message(from: raw, topics: &topics))
            } else if error == RD_KAFKA_RESP_ERR__PARTITION_EOF {
                continue
            } else {
                try handleConsumerError(raw, client: client, logger: logger)
                if messages.isEmpty && ContinuousClock.now >= deadline { break }
            }
        }
        return messages
    }

    /// A consumer error event: fatal errors are thrown, the rest (broker down, unknown
    /// topic while it is being created…) are logged; librdkafka keeps retrying.
    private static func handleConsumerError(
        _ raw: UnsafeMutablePointer<rd_kafka_message_t>, client: RDKafkaClient, logger: Logger
    ) throws {
        let error = raw.pointee.err
        if error == RD_KAFKA_RESP_ERR__FATAL {
            var reason = [CChar](repeating: 0, count: 512)
            let underlying = rd_kafka_fatal_error(client.handle, &reason, reason.count)
            throw KafkaError(
                code: KafkaError.Code(underlying), message: String(rdKafkaBuffer: reason),
                function: "rd_kafka_consumer_poll", isRetriable: false, isFatal: true)
        }
        var metadata: Logger.Metadata = [KafkaLogKey.error: "\(KafkaError.Code(error))"]
        if let topic = raw.pointee.rkt {
            metadata[KafkaLogKey.topic] = "\(String(cString: rd_kafka_topic_name(topic)))"
            metadata[KafkaLogKey.partition] = "\(raw.pointee.partition)"
        }
        let text = String(cString: rd_kafka_err2str(error))
        logger.warning("Kafka consumer error: \(text)", metadata: metadata)
    }

    /// The topic names of one poll: messages of a topic share one `String`, not one copy
    /// each (a writer batch is thousands of messages of one or two topics).
    struct TopicNames {
        private var last: (handle: OpaquePointer, name: String)?

        mutating func name(_ handle: OpaquePointer?) -> String {
            guard let handle else { return "" }
            if let last, last.handle == handle { return last.name }
            let name = String(cString: rd_kafka_topic_name(handle))
            last = (handle, name)
            return name
        }
    }

    /// Copies a librdkafka message into a `KafkaMessage`.
    static func message(from raw: UnsafeMutablePointer<rd_kafka_message_t>, topics: inout TopicNames) -> KafkaMessage {
        let message = raw.pointee
        let topic = topics.name(message.rkt)
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let milliseconds = rd_kafka_message_timestamp(raw, &timestampType)
        return KafkaMessage(
            topic: topic,
            partition: message.partition,
            offset: message.offset,
            key: bytes(message.key, count: message.key_len),
            value: bytes(message.payload, count: message.len),
            headers: headers(of: raw),
            timestamp: milliseconds >= 0
                ? Date(timeIntervalSince1970: Double(milliseconds) / 1000) : nil)
    }

    private static func bytes(_ pointer: UnsafeMutableRawPointer?, count: Int) -> [UInt8]? {
        guard let pointer else { return nil }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    private static func headers(of raw: UnsafeMutablePointer<rd_kafka_message_t>) -> [KafkaHeader] {
        var list: OpaquePointer?
        guard rd_kafka_message_headers(raw, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else {
            return []
        }
        var headers: [KafkaHeader] = []
        var index = 0
        var name: UnsafePointer<CChar>?
        var value: UnsafeRawPointer?
        var size = 0
        while rd_kafka_header_get_all(list, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
            let bytes = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) } ?? []
            headers.append(KafkaHeader(name: name.map { String(cString: $0) } ?? "", value: bytes))
            index += 1
        }
        return headers
    }
}
