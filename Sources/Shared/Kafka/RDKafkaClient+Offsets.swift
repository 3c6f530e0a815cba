import CRDKafka

/// Blocking metadata and offset queries on any handle. Call them on a blocking queue.
extension RDKafkaClient {
    /// The partition ids of `topic`, from a metadata request for that topic alone.
    func partitions(of topic: String, timeout: Duration) throws -> [Int32] {
        guard !topic.isEmpty, let topicHandle = rd_kafka_topic_new(handle, topic, nil) else {
            throw KafkaError.invalidArgument("invalid topic name \"\(topic)\"", function: "rd_kafka_topic_new")
        }
        defer { rd_kafka_topic_destroy(topicHandle) }
        var metadata: UnsafePointer<rd_kafka_metadata_t>?
        try KafkaError.check(
            rd_kafka_metadata(handle, 0, topicHandle, &metadata, timeout.kafkaMilliseconds),
            function: "rd_kafka_metadata")
        guard let metadata else { return [] }
        defer { rd_kafka_metadata_destroy(metadata) }
        let topics = UnsafeBufferPointer(start: metadata.pointee.topics, count: Int(metadata.pointee.topic_cnt))
        guard let entry = topics.first(where: { String(cString: $0.topic) == topic }) else {
            throw KafkaError(
                code: .unknownTopicOrPartition, message: "topic \"\(topic)\" is not in the metadata",
                function: "rd_kafka_metadata")
        }
        if entry.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(
                code: KafkaError.Code(entry.err),
                message: "topic \"\(topic)\": \(String(cString: rd_kafka_err2str(entry.err)))",
                function: "rd_kafka_metadata")
        }
        let partitions = UnsafeBufferPointer(start: entry.partitions, count: Int(entry.partition_cnt))
        return partitions.map(\.id).sorted()
    }

    /// Low and high watermark of every partition of `topic`.
    func watermarks(of topic: String, timeout: Duration) throws -> [Int32: (low: Int64, high: Int64)] {
        var result: [Int32: (low: Int64, high: Int64)] = [:]
        for partition in try partitions(of: topic, timeout: timeout) {
            var low: Int64 = 0
            var high: Int64 = 0
            let error = rd_kafka_query_watermark_offsets(
                handle, topic, partition, &low, &high, timeout.kafkaMilliseconds)
            if error != RD_KAFKA_RESP_ERR_NO_ERROR {
                throw KafkaError(
                    code: KafkaError.Code(error),
                    message: "\(topic)[\(partition)]: \(String(cString: rd_kafka_err2str(error)))",
                    function: "rd_kafka_query_watermark_offsets")
            }
            result[partition] = (low, high)
        }
        return result
    }

    /// The committed offsets of this handle's group for `partitions` of `topic`; absent
    /// when the group never committed one.
    func committedOffsets(topic: String, partitions: [Int32], timeout: Duration) throws -> [Int32: Int64] {
        let list = RDKafkaTopicPartitionList(capacity: partitions.count)
        for partition in partitions {
            list.add(topic: topic, partition: partition, offset: Int64(RD_KAFKA_OFFSET_INVALID))
        }
        try list.withListPointer { pointer in
            try KafkaError.check(
                rd_kafka_committed(handle, pointer, timeout.kafkaMilliseconds), function: "rd_kafka_committed")
        }
        var result: [Int32: Int64] = [:]
        for element in list.elements {
            if element.error != RD_KAFKA_RESP_ERR_NO_ERROR {
                throw KafkaError(element.error, function: "rd_kafka_committed")
            }
            if element.offset >= 0 {
                result[element.partition] = element.offset
            }
        }
        return result
    }

    /// Per partition of `topic`, the first offset whose timestamp is at or after
    /// `timestamp` (ms since 1970), as the broker's time index answers; -1 when it has
    /// none. Partitions the broker answered with an error are absent.
    func offsetsForTimes(
        topic: String, partitions: [Int32], timestamp: Int64, timeout: Duration
    ) throws -> [Int32: Int64] {
        let list = RDKafkaTopicPartitionList(capacity: partitions.count)
        for partition in partitions {
            list.add(topic: topic, partition: partition, offset: timestamp)
        }
        try list.withListPointer { pointer in
            try KafkaError.check(
                rd_kafka_offsets_for_times(handle, pointer, timeout.kafkaMilliseconds),
                function: "rd_kafka_offsets_for_times")
        }
        var answers: [Int32: Int64] = [:]
        for element in list.elements where element.error == RD_KAFKA_RESP_ERR_NO_ERROR {
            answers[element.partition] = element.offset
        }
        return answers
    }

    /// Synchronously commits `offsets` for this handle's group; throws the first error.
    func commit(_ offsets: [KafkaTopicPartitionOffset]) throws {
        let list = RDKafkaTopicPartitionList(offsets)
        try list.withListPointer { pointer in
            try KafkaError.check(rd_kafka_commit(handle, pointer, 0), function: "rd_kafka_commit")
        }
        if let failed = list.elements.first(where: { $0.error != RD_KAFKA_RESP_ERR_NO_ERROR }) {
            throw KafkaError(failed.error, function: "rd_kafka_commit")
        }
    }
}
