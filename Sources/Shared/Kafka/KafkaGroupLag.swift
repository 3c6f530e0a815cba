/// How far a consumer group is behind on some topics: the backlog of a workflow.
public struct KafkaGroupLag: Sendable, Hashable {
    public struct Partition: Sendable, Hashable {
        public var topic: String
        public var partition: Int32
        public var lowWatermark: Int64
        public var highWatermark: Int64
        /// The group's committed offset (next to read); `nil` when it never committed.
        public var committed: Int64?
        /// `highWatermark − committed`; without a commit, `highWatermark − lowWatermark`.
        public var lag: Int64

        public init(
            topic: String, partition: Int32, lowWatermark: Int64, highWatermark: Int64,
            committed: Int64?
        ) {
            self.topic = topic
            self.partition = partition
            self.lowWatermark = lowWatermark
            self.highWatermark = highWatermark
            self.committed = committed
            lag = max(0, highWatermark - max(committed ?? lowWatermark, lowWatermark))
        }
    }

    public var group: String
    public var partitions: [Partition]

    public init(group: String, partitions: [Partition]) {
        self.group = group
        self.partitions = partitions
    }

    /// The sum over every partition.
    public var total: Int64 {
        partitions.reduce(0) { $0 + $1.lag }
    }

    /// The sum over the partitions of `topic`.
    public func total(topic: String) -> Int64 {
        partitions.filter { $0.topic == topic }.reduce(0) { $0 + $1.lag }
    }
}
