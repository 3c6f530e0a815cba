import CRDKafka
import Foundation

/// What one `rd_kafka_consumer_poll` returned.
enum RDKafkaPollEvent {
    case message(KafkaMessage)
    /// The end of a partition was reached (only with `enable.partition.eof`).
    case endOfPartition
    /// A consumer error event, librdkafka's text of it, and the partition it concerns
    /// when it concerns one.
    case error(KafkaError.Code, text: String, partition: KafkaTopicPartition?)
}

/// The topic names of one poll: messages of a topic share one `String`, not one copy
/// each (a writer batch is thousands of messages of one or two topics).
struct RDKafkaTopicNames {
    private var last: (handle: OpaquePointer, name: String)?

    init() {}

    mutating func name(_ handle: OpaquePointer?) -> String {
        guard let handle else { return "" }
        if let last, last.handle == handle { return last.name }
        let name = String(cString: rd_kafka_topic_name(handle))
        last = (handle, name)
        return name
    }
}

/// Copies librdkafka messages into `KafkaMessage`s: the bytes are copied once, the
/// librdkafka message is destroyed by the caller.
enum RDKafkaMessage {
    static func copy(_ raw: UnsafeMutablePointer<rd_kafka_message_t>, topics: inout RDKafkaTopicNames) -> KafkaMessage {
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
