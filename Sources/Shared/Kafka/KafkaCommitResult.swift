/// What `KafkaConsumer.commit` did with the offsets it was given.
public struct KafkaCommitResult: Sendable, Hashable {
    /// Offsets the group coordinator stored.
    public var committed: [KafkaTopicPartitionOffset]
    /// Offsets of partitions this consumer no longer owns (revoked by a rebalance): not
    /// sent, since the new owner re-reads from the last committed offset.
    public var dropped: [KafkaTopicPartitionOffset]

    public init(committed: [KafkaTopicPartitionOffset], dropped: [KafkaTopicPartitionOffset]) {
        self.committed = committed
        self.dropped = dropped
    }
}
