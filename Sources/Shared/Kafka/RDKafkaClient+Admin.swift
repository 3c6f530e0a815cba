import CRDKafka

/// Admin requests (librdkafka's Admin API and cluster metadata). Each blocks up to its
/// timeout: call them on a blocking queue.
extension RDKafkaClient {
    /// Sends one CreateTopics request for `name` and waits for the broker's answer.
    /// `replicationFactor` -1 means the broker's default.
    func createTopic(
        name: String, partitions: Int32, replicationFactor: Int32, config: [String: String],
        timeout: Duration
    ) throws -> KafkaTopicCreation {
        var errorText = [CChar](repeating: 0, count: 512)
        guard let newTopic = rd_kafka_NewTopic_new(
            name, partitions, replicationFactor, &errorText, errorText.count)
        else {
            throw KafkaError.invalidArgument(String(rdKafkaBuffer: errorText), function: "rd_kafka_NewTopic_new")
        }
        defer { rd_kafka_NewTopic_destroy(newTopic) }
        for (key, value) in config.sorted(by: { $0.key < $1.key }) {
            try KafkaError.check(
                rd_kafka_NewTopic_set_config(newTopic, key, value), function: "rd_kafka_NewTopic_set_config")
        }

        guard let options = rd_kafka_AdminOptions_new(handle, RD_KAFKA_ADMIN_OP_CREATETOPICS) else {
            throw KafkaError(code: .failedMessage, message: "no admin options", function: "rd_kafka_AdminOptions_new")
        }
        defer { rd_kafka_AdminOptions_destroy(options) }
        let milliseconds = timeout.kafkaMilliseconds
        _ = rd_kafka_AdminOptions_set_request_timeout(options, milliseconds, &errorText, errorText.count)
        _ = rd_kafka_AdminOptions_set_operation_timeout(options, milliseconds, &errorText, errorText.count)

        guard let replies = rd_kafka_queue_new(handle) else {
            throw KafkaError(code: .failedMessage, message: "no reply queue", function: "rd_kafka_queue_new")
        }
        defer { rd_kafka_queue_destroy(replies) }
        var topics: [OpaquePointer?] = [newTopic]
        rd_kafka_CreateTopics(handle, &topics, 1, options, replies)

        // librdkafka always answers within the request timeout; the margin covers queueing.
        guard let event = rd_kafka_queue_poll(replies, milliseconds &+ 5_000) else {
            throw KafkaError(code: .timedOut, message: "no answer to CreateTopics", function: "rd_kafka_CreateTopics")
        }
        defer { rd_kafka_event_destroy(event) }
        let eventError = rd_kafka_event_error(event)
        if eventError != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(
                code: KafkaError.Code(eventError),
                message: String(cString: rd_kafka_event_error_string(event)),
                function: "rd_kafka_CreateTopics")
        }
        guard let result = rd_kafka_event_CreateTopics_result(event) else {
            throw KafkaError(code: .failedMessage, message: "no CreateTopics result", function: "rd_kafka_CreateTopics")
        }
        var count = 0
        guard let results = rd_kafka_CreateTopics_result_topics(result, &count), count > 0,
            let topicResult = results[0]
        else {
            throw KafkaError(code: .failedMessage, message: "empty CreateTopics result", function: "rd_kafka_CreateTopics")
        }
        let error = rd_kafka_topic_result_error(topicResult)
        switch error {
        case RD_KAFKA_RESP_ERR_NO_ERROR:
            return .created
        case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS:
            return .alreadyExisted
        default:
            let text = rd_kafka_topic_result_error_string(topicResult).map { String(cString: $0) }
                ?? String(cString: rd_kafka_err2str(error))
            throw KafkaError(code: KafkaError.Code(error), message: "topic \"\(name)\": \(text)", function: "rd_kafka_CreateTopics")
        }
    }

    /// Whether the cluster names one of its brokers as controller. Brokers that do not
    /// (the librdkafka mock names broker 0, which does not exist) cannot serve
    /// CreateTopics: librdkafka would wait for that controller until the timeout.
    func hasController(timeout: Duration) throws -> Bool {
        var metadata: UnsafePointer<rd_kafka_metadata_t>?
        try KafkaError.check(
            rd_kafka_metadata(handle, 0, nil, &metadata, timeout.kafkaMilliseconds),
            function: "rd_kafka_metadata")
        guard let metadata else { return false }
        defer { rd_kafka_metadata_destroy(metadata) }
        let brokers = UnsafeBufferPointer(start: metadata.pointee.brokers, count: Int(metadata.pointee.broker_cnt))
        let controller = rd_kafka_controllerid(handle, 0)
        return brokers.contains { $0.id == controller }
    }
}
