import CRDKafka

/// librdkafka's rebalance callback. It runs inside `rd_kafka_consumer_poll` (on the
/// consumer's queue) and inside `rd_kafka_consumer_close`. Revocations update the tracker
/// before the partitions are given up, so no later commit can include them.
func rdKafkaRebalanceCallback(
    _ handle: OpaquePointer?, _ reason: rd_kafka_resp_err_t,
    _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
    _ opaque: UnsafeMutableRawPointer?
) {
    guard let handle, let opaque else { return }
    let context = Unmanaged<RDKafkaClientContext>.fromOpaque(opaque).takeUnretainedValue()
    guard let tracker = context.assignment else { return }
    let logger = context.logger
    let changed = list.map { RDKafkaTopicPartitionList.elements(of: $0) } ?? []
    let partitions = changed.map { KafkaTopicPartition(topic: $0.topic, partition: $0.partition) }
    let incremental = rd_kafka_rebalance_protocol(handle)
        .map { String(cString: $0) == "COOPERATIVE" } ?? false

    KafkaMetrics.rebalances.increment()
    switch reason {
    case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
        logger.info(
            "Kafka partitions assigned: \(partitions.sorted().map(\.description).joined(separator: ", "))")
        let failure: KafkaError?
        if incremental {
            failure = rd_kafka_incremental_assign(handle, list).map {
                KafkaError(consuming: $0, function: "rd_kafka_incremental_assign")
            }
        } else {
            let result = rd_kafka_assign(handle, list)
            failure = result == RD_KAFKA_RESP_ERR_NO_ERROR
                ? nil : KafkaError(result, function: "rd_kafka_assign")
        }
        if let failure {
            logger.error("Kafka assignment failed: \(failure)")
        } else {
            tracker.assigned(partitions, incremental: incremental)
        }
    case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
        let lost = rd_kafka_assignment_lost(handle) != 0
        logger.info(
            "Kafka partitions \(lost ? "lost" : "revoked"): \(partitions.sorted().map(\.description).joined(separator: ", "))")
        tracker.revoked(partitions, incremental: incremental)
        if incremental {
            if let error = rd_kafka_incremental_unassign(handle, list) {
                logger.error(
                    "Kafka unassign failed: \(KafkaError(consuming: error, function: "rd_kafka_incremental_unassign"))")
            }
        } else {
            _ = rd_kafka_assign(handle, nil)
        }
    default:
        logger.error("Kafka rebalance failed: \(KafkaError(reason, function: "rebalance"))")
        tracker.clear()
        _ = rd_kafka_assign(handle, nil)
    }
}
