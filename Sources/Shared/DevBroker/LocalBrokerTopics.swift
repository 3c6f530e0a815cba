/// How the local broker lays out the workflows' topics, shared by `crmbridge dev-broker`
/// (`make run`) and the test stack so the two never disagree.
public enum LocalBrokerTopics {
    /// librdkafka 2.0.2's mock cluster keeps only the last 5 MiB of each partition and
    /// drops older messages, so a backlog larger than that would lose messages before a
    /// writer reads them. 32 partitions give a topic about 160 MiB of backlog, enough for
    /// the demo and every test load (up to about 450,000 envelopes). Apache Kafka has no
    /// such limit; there `connections.kafka.topicPartitions` decides.
    public static let workflowTopicPartitions: Int32 = 32
}
