import CRDKafka

/// The consumer calls of a consumer-type handle. Each blocks at most for its timeout; call
/// them on the consumer's blocking queue.
extension RDKafkaClient {
    /// Sends the main queue's events (rebalances, errors) to the consumer queue, so one
    /// `consumerPoll` serves them all.
    func forwardMainQueueToConsumer() {
        _ = rd_kafka_poll_set_consumer(handle)
    }

    /// Joins the handle's group for `topics`.
    func subscribe(topics: [String]) throws {
        let list = RDKafkaTopicPartitionList(capacity: topics.count)
        for topic in topics {
            list.add(topic: topic, partition: RD_KAFKA_PARTITION_UA, offset: Int64(RD_KAFKA_OFFSET_INVALID))
        }
        try KafkaError.check(
            list.withListPointer { rd_kafka_subscribe(handle, $0) }, function: "rd_kafka_subscribe")
    }

    /// Reads from exactly `partitions`, each from its offset, outside any group protocol.
    func assign(_ partitions: [KafkaTopicPartitionOffset]) throws {
        let list = RDKafkaTopicPartitionList(partitions)
        try KafkaError.check(list.withListPointer { rd_kafka_assign(handle, $0) }, function: "rd_kafka_assign")
    }

    /// Drops the assignment made with `assign`.
    func unassign() {
        _ = rd_kafka_assign(handle, nil)
    }

    /// Waits up to `timeout` for one message or consumer event (rebalance callbacks run
    /// inside); `nil` when none came. Messages of one topic share the name in `topics`.
    func consumerPoll(timeout: Duration, topics: inout RDKafkaTopicNames) -> RDKafkaPollEvent? {
        guard let raw = rd_kafka_consumer_poll(handle, timeout.kafkaMilliseconds) else { return nil }
        defer { rd_kafka_message_destroy(raw) }
        switch raw.pointee.err {
        case RD_KAFKA_RESP_ERR_NO_ERROR:
            return .message(RDKafkaMessage.copy(raw, topics: &topics))
        case RD_KAFKA_RESP_ERR__PARTITION_EOF:
            return .endOfPartition
        case let error:
            let partition = raw.pointee.rkt.map {
                KafkaTopicPartition(topic: topics.name($0), partition: raw.pointee.partition)
            }
            return .error(KafkaError.Code(error), text: String(cString: rd_kafka_message_errstr(raw)), partition: partition)
        }
    }

    /// The error that made the handle unusable, after an `_FATAL` event.
    func fatalError(function: String) -> KafkaError {
        var reason = [CChar](repeating: 0, count: 512)
        let underlying = rd_kafka_fatal_error(handle, &reason, reason.count)
        return KafkaError(
            code: KafkaError.Code(underlying), message: String(rdKafkaBuffer: reason),
            function: function, isRetriable: false, isFatal: true)
    }

    /// Stops (`paused`) or restarts fetching from `partitions`; throws the first
    /// per-partition error.
    func setFlow(_ partitions: [KafkaTopicPartition], paused: Bool) throws {
        guard !partitions.isEmpty else { return }
        let function = paused ? "rd_kafka_pause_partitions" : "rd_kafka_resume_partitions"
        let list = RDKafkaTopicPartitionList(partitions, offset: Int64(RD_KAFKA_OFFSET_INVALID))
        let result = list.withListPointer {
            paused ? rd_kafka_pause_partitions(handle, $0) : rd_kafka_resume_partitions(handle, $0)
        }
        try KafkaError.check(result, function: function)
        if let failed = list.elements.first(where: { $0.error != RD_KAFKA_RESP_ERR_NO_ERROR }) {
            throw KafkaError(failed.error, function: function)
        }
    }

    /// Leaves the group (the rebalance callback sees the revocation); `nil` when it went well.
    func closeConsumer() -> KafkaError? {
        let result = rd_kafka_consumer_close(handle)
        return result == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaError(result, function: "rd_kafka_consumer_close")
    }
}
