import CRDKafka
import KafkaBridge
import Logging

/// A librdkafka mock cluster: real Kafka-protocol brokers on localhost TCP ports, held in
/// this process's memory (data dies with it). Other processes reach it through
/// `bootstrapServers`; its ports are random in librdkafka 2.0.2. It is the local and test
/// broker, not a production one: no CreateTopics (topics are auto-created with 4
/// partitions, or created here with `createTopic`), no offsets-for-times, no compaction.
/// Use `KafkaConfiguration.localDefaults` with it.
public final class KafkaMockCluster: @unchecked Sendable {
    /// Comma-separated `host:port` list of the brokers.
    public let bootstrapServers: String
    /// Brokers have ids 1…brokerCount.
    public let brokerCount: Int
    /// librdkafka needs a handle for its book-keeping; it lives as long as the cluster.
    private let owner: RDKafkaClient
    private let cluster: OpaquePointer

    public init(brokers: Int = 1, logger: Logger) throws {
        guard (1...32).contains(brokers) else {
            throw KafkaError.invalidArgument(
                "a mock cluster has 1 to 32 brokers, not \(brokers)",
                function: "KafkaMockCluster.init")
        }
        // The owner never connects anywhere: it only hosts the mock brokers. Its notice
        // that it has no bootstrap servers is expected, hence warnings and up only.
        var ownerLogger = logger
        ownerLogger.logLevel = max(logger.logLevel, .warning)
        owner = try RDKafkaClient(
            role: .producer,
            properties: ["client.id": "crmbridge-mock-cluster", "log.connection.close": "false"],
            logger: ownerLogger)
        guard let cluster = rd_kafka_mock_cluster_new(owner.handle, Int32(brokers)) else {
            throw KafkaError(
                code: .failedMessage, message: "could not start the mock brokers",
                function: "rd_kafka_mock_cluster_new")
        }
        self.cluster = cluster
        brokerCount = brokers
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
    }

    /// Creates `name` with `partitions` partitions (replication: min(3, brokers)).
    public func createTopic(_ name: String, partitions: Int32, replicationFactor: Int32? = nil) throws {
        guard !name.isEmpty, partitions > 0 else {
            throw KafkaError.invalidArgument(
                "a topic needs a name and at least one partition",
                function: "rd_kafka_mock_topic_create")
        }
        let replicas = replicationFactor ?? Int32(min(3, brokerCount))
        try KafkaError.check(
            rd_kafka_mock_topic_create(cluster, name, partitions, replicas),
            function: "rd_kafka_mock_topic_create")
    }

    /// Takes broker `id` offline: its connections close and it refuses new ones.
    public func setBrokerDown(_ id: Int32) throws {
        try KafkaError.check(rd_kafka_mock_broker_set_down(cluster, id), function: "rd_kafka_mock_broker_set_down")
    }

    public func setBrokerUp(_ id: Int32) throws {
        try KafkaError.check(rd_kafka_mock_broker_set_up(cluster, id), function: "rd_kafka_mock_broker_set_up")
    }

    /// Adds `rtt` of latency to every response of broker `id`.
    public func setRoundTripTime(_ rtt: Duration, broker id: Int32) throws {
        try KafkaError.check(
            rd_kafka_mock_broker_set_rtt(cluster, id, rtt.kafkaMilliseconds),
            function: "rd_kafka_mock_broker_set_rtt")
    }

    /// Makes every request about `topic` fail with `error` (`nil` clears it).
    public func setTopicError(_ topic: String, _ error: KafkaError.Code?) {
        rd_kafka_mock_topic_set_error(cluster, topic, (error ?? .noError).rdKafka)
    }

    /// The next `errors.count` requests of protocol `apiKey` (e.g. 0 Produce, 8
    /// OffsetCommit) fail with these errors, in order.
    public func pushRequestErrors(apiKey: Int16, _ errors: [KafkaError.Code]) {
        var codes = errors.map(\.rdKafka)
        rd_kafka_mock_push_request_errors_array(cluster, apiKey, codes.count, &codes)
    }
}
