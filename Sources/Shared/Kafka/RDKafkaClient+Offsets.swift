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

    /// Low and high watermark of every partition of `topic`: two ListOffsets requests per
    /// broker (earliest, latest) for all partitions at once. `rd_kafka_query_watermark_offsets`
    /// asks one partition at a time, two round trips each: at 750 partitions a backlog
    /// reading was 1,500 round trips (docs/performance.md, "Scale").
    func watermarks(of topic: String, timeout: Duration) throws -> [Int32: (low: Int64, high: Int64)] {
        let partitions = try partitions(of: topic, timeout: timeout)
        let low = try listOffsets(topic: topic, partitions: partitions, at: Int64(RD_KAFKA_OFFSET_BEGINNING), timeout: timeout)
        let high = try listOffsets(topic: topic, partitions: partitions, at: Int64(RD_KAFKA_OFFSET_END), timeout: timeout)
        var result: [Int32: (low: Int64, high: Int64)] = [:]
        for partition in partitions {
            guard let low = low[partition], let high = high[partition] else {
                throw KafkaError(
                    code: .unknownTopicOrPartition, message: "\(topic)[\(partition)]: no offset in the broker's answer",
                    function: "rd_kafka_offsets_for_times")
            }
            result[partition] = (low, high)
        }
        return result
    }

    /// The offset at `position` (`RD_KAFKA_OFFSET_BEGINNING` or `_END`) of each partition, in
    /// one batched ListOffsets; the first partition the broker answered with an error throws.
    private func listOffsets(
        topic: String, partitions: [Int32], at position: Int64, timeout: Duration
    ) throws -> [Int32: Int64] {
        var offsets: [Int32: Int64] = [:]
        for element in try listOffsetsAnswers(topic: topic, partitions: partitions, query: position, timeout: timeout) {
            if element.error != RD_KAFKA_RESP_ERR_NO_ERROR {
                throw KafkaError(
                    code: KafkaError.Code(element.error),
                    message: "\(topic)[\(element.partition)]: \(String(cString: rd_kafka_err2str(element.error)))",
                    function: "rd_kafka_offsets_for_times")
            }
            offsets[element.partition] = element.offset
        }
        return offsets
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
        var answers: [Int32: Int64] = [:]
        for element in try listOffsetsAnswers(topic: topic, partitions: partitions, query: timestamp, timeout: timeout)
        where element.error == RD_KAFKA_RESP_ERR_NO_ERROR {
            answers[element.partition] = element.offset
        }
        return answers
    }

    /// One batched ListOffsets (`rd_kafka_offsets_for_times`) asking `query` (a timestamp,
    /// or `RD_KAFKA_OFFSET_BEGINNING`/`_END`) of every partition; each answer with its error.
    private func listOffsetsAnswers(
        topic: String, partitions: [Int32], query: Int64, timeout: Duration
    ) throws -> [RDKafkaTopicPartitionList.Element] {
        let list = RDKafkaTopicPartitionList(capacity: partitions.count)
        for partition in partitions {
            list.add(topic: topic, partition: partition, offset: query)
        }
        try list.withListPointer { pointer in
            try KafkaError.check(
                rd_kafka_offsets_for_times(handle, pointer, timeout.kafkaMilliseconds),
                function: "rd_kafka_offsets_for_times")
        }
        return list.elements
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
