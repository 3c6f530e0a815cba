/// What `KafkaAdmin.createTopic` found or did.
public enum KafkaTopicCreation: Sendable, Hashable {
    /// The broker created the topic as asked.
    case created
    /// The topic existed already; its partitions and config were left as they are.
    case alreadyExisted
    /// The broker has no CreateTopics API (the librdkafka mock broker): the topic was
    /// created by the broker's automatic topic creation, with its default partition
    /// count and config. The requested partitions and config were not applied.
    case autoCreated(partitions: Int)
}
