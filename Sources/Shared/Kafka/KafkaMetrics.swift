import Metrics

/// The Kafka bridge's swift-metrics instruments, served on the process's `/metrics` once
/// `main` bootstrapped swift-metrics (`MetricsBootstrap`; docs/operations.md lists them).
/// Static and lazy, so each is made on first use, after that bootstrap. Labels stay
/// low-cardinality: no topic, partition or key dimensions.
enum KafkaMetrics {
    static let delivered = Counter(label: "crmbridge_kafka_produced_messages_total", dimensions: [("result", "delivered")])
    static let failed = Counter(label: "crmbridge_kafka_produced_messages_total", dimensions: [("result", "failed")])
    static let consumed = Counter(label: "crmbridge_kafka_consumed_messages_total")
    static let commits = Counter(label: "crmbridge_kafka_commits_total", dimensions: [("result", "committed")])
    static let failedCommits = Counter(label: "crmbridge_kafka_commits_total", dimensions: [("result", "failed")])
    static let droppedCommits = Counter(label: "crmbridge_kafka_commits_total", dimensions: [("result", "dropped")])
    static let rebalances = Counter(label: "crmbridge_kafka_rebalances_total")
}
