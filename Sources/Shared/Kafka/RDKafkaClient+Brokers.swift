import CRDKafka

/// What the client tells its `KafkaBrokerWatch`: librdkafka's error events that concern
/// the brokers as a whole, and the metadata request that shows one answers again.
extension RDKafkaClient {
    /// An error librdkafka reported for the client (an error event, a consumer error, the
    /// error callback); `_ALL_BROKERS_DOWN` goes to the watch, if any.
    func noteError(_ code: KafkaError.Code, _ text: String) {
        guard code == .allBrokersDown, let watch = brokerWatch else { return }
        watch.allBrokersDown(text)
    }

    /// One metadata request about the topics this client already knows (none fetched
    /// anew): true when a broker answered within `timeout`. librdkafka sends it to any
    /// broker that is up, waiting for one up to `timeout`.
    func brokersAnswer(timeout: Duration) -> Bool {
        var metadata: UnsafePointer<rd_kafka_metadata_t>?
        let result = rd_kafka_metadata(handle, 0, nil, &metadata, timeout.kafkaMilliseconds)
        if let metadata { rd_kafka_metadata_destroy(metadata) }
        return result == RD_KAFKA_RESP_ERR_NO_ERROR
    }
}

/// librdkafka's `error_cb`, set on watched clients that do not take errors as events (the
/// group consumer). It runs inside `rd_kafka_consumer_poll`, on the consumer's queue.
func rdKafkaErrorCallback(
    _ handle: OpaquePointer?, _ error: Int32, _ reason: UnsafePointer<CChar>?, _ opaque: UnsafeMutableRawPointer?
) {
    guard let opaque else { return }
    let context = Unmanaged<RDKafkaClientContext>.fromOpaque(opaque).takeUnretainedValue()
    let code = KafkaError.Code(rawValue: error)
    let text = reason.map { String(cString: $0) } ?? code.text
    context.logger.log(
        level: code == .transport ? .debug : .warning, "Kafka client error: \(text)",
        metadata: [KafkaLogKey.error: "\(code)"])
    if code == .allBrokersDown { context.brokerWatch?.allBrokersDown(text) }
}
