import CRDKafka

/// One CreateTopics admin request and its result, through librdkafka's Admin API.
struct KafkaCreateTopicRequest {
    var name: String
    var partitions: Int32
    var replicationFactor: Int32
    var config: [String: String]
    var timeout: Duration

    /// Sends the request on `client` and waits for the broker's answer.
    func send(on client: RDKafkaClient) throws -> KafkaTopicCreation {
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

        guard let options = rd_kafka_AdminOptions_new(client.handle, RD_KAFKA_ADMIN_OP_CREATETOPICS) else {
            throw KafkaError(code: .failedMessage, message: "no admin options", function: "rd_kafka_AdminOptions_new")
        }
        defer { rd_kafka_AdminOptions_destroy(options) }
        let milliseconds = timeout.kafkaMilliseconds
        _ = rd_kafka_AdminOptions_set_request_timeout(options, milliseconds, &errorText, errorText.count)
        _ = rd_kafka_AdminOptions_set_operation_timeout(options, milliseconds, &errorText, errorText.count)

        guard let replies = rd_kafka_queue_new(client.handle) else {
            throw KafkaError(code: .failedMessage, message: "no reply queue", function: "rd_kafka_queue_new")
        }
        defer { rd_kafka_queue_destroy(replies) }
        var topics: [OpaquePointer?] = [newTopic]
        rd_kafka_CreateTopics(client.handle, &topics, 1, options, replies)

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
}
