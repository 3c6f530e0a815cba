import CRDKafka

/// Owns an `rd_kafka_topic_partition_list_t`; destroyed in `deinit`. The pointer is lent
/// to librdkafka only inside `withListPointer`.
final class RDKafkaTopicPartitionList {
    /// One element as librdkafka left it after a call: its offset and per-partition error.
    struct Element {
        var topic: String
        var partition: Int32
        var offset: Int64
        var error: rd_kafka_resp_err_t
    }

    private let list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    init(capacity: Int = 1) {
        list = rd_kafka_topic_partition_list_new(Int32(clamping: max(capacity, 1)))
    }

    /// Takes ownership of a list librdkafka handed over (e.g. `rd_kafka_assignment`).
    init(taking list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        self.list = list
    }

    convenience init(_ offsets: some Collection<KafkaTopicPartitionOffset>) {
        self.init(capacity: offsets.count)
        for entry in offsets {
            add(topic: entry.topic, partition: entry.partition, offset: entry.offset)
        }
    }

    convenience init(_ partitions: some Collection<KafkaTopicPartition>, offset: Int64) {
        self.init(capacity: partitions.count)
        for entry in partitions {
            add(topic: entry.topic, partition: entry.partition, offset: offset)
        }
    }

    deinit {
        rd_kafka_topic_partition_list_destroy(list)
    }

    func add(topic: String, partition: Int32, offset: Int64) {
        let element = rd_kafka_topic_partition_list_add(list, topic, partition)
        element?.pointee.offset = offset
    }

    var count: Int { Int(list.pointee.cnt) }

    var elements: [Element] {
        Self.elements(of: list)
    }

    var partitions: [KafkaTopicPartition] {
        elements.map { KafkaTopicPartition(topic: $0.topic, partition: $0.partition) }
    }

    func withListPointer<T>(
        _ body: (UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) throws -> T
    ) rethrows -> T {
        try body(list)
    }

    /// Reads a list librdkafka owns (e.g. in a rebalance callback) without taking it.
    static func elements(
        of list: UnsafePointer<rd_kafka_topic_partition_list_t>
    ) -> [Element] {
        let count = Int(list.pointee.cnt)
        guard count > 0, let elements = list.pointee.elems else { return [] }
        return (0..<count).map { index in
            let element = elements[index]
            return Element(
                topic: element.topic.map { String(cString: $0) } ?? "",
                partition: element.partition, offset: element.offset, error: element.err)
        }
    }

    static func elements(
        of list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>
    ) -> [Element] {
        elements(of: UnsafePointer(list))
    }
}
