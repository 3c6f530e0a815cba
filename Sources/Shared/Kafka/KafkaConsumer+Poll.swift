import Logging

extension KafkaConsumer {
    /// The poll loop, on the consumer's queue: blocks for the first message only.
    static func pollMessages(
        client: RDKafkaClient, logger: Logger, maxMessages: Int, timeout: Duration
    ) throws -> [KafkaMessage] {
        let deadline = ContinuousClock.now + timeout
        var messages: [KafkaMessage] = []
        var topics = RDKafkaTopicNames()
        polling: while messages.count < maxMessages {
            let wait = messages.isEmpty ? deadline - ContinuousClock.now : .zero
            guard let event = client.consumerPoll(timeout: wait, topics: &topics) else {
                if messages.isEmpty && ContinuousClock.now < deadline { continue }
                break polling
            }
            switch event {
            case .message(let message):
                messages.append(message)
            case .endOfPartition:
                continue
            case .error(let code, let text, let partition):
                try handleConsumerError(code, text: text, partition: partition, client: client, logger: logger)
                if messages.isEmpty && ContinuousClock.now >= deadline { break polling }
            }
        }
        return messages
    }

    /// A consumer error event: fatal errors are thrown, the rest (broker down, unknown
    /// topic while it is being created…) are logged, and every broker down is told to the
    /// consumer's broker watch; librdkafka keeps retrying.
    private static func handleConsumerError(
        _ code: KafkaError.Code, text: String, partition: KafkaTopicPartition?, client: RDKafkaClient, logger: Logger
    ) throws {
        if code == .fatal {
            throw client.fatalError(function: "rd_kafka_consumer_poll")
        }
        client.noteError(code, text)
        var metadata: Logger.Metadata = [KafkaLogKey.error: "\(code)"]
        if let partition {
            metadata[KafkaLogKey.topic] = "\(partition.topic)"
            metadata[KafkaLogKey.partition] = "\(partition.partition)"
        }
        // librdkafka logs each connection it loses already.
        logger.log(level: code == .transport ? .debug : .warning, "Kafka consumer error: \(text)", metadata: metadata)
    }
}
