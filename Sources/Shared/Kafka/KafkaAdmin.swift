import Foundation
import Logging
import Synchronization

/// Topic and consumer-group administration: topic creation, watermarks, committed
/// offsets, group lag (the backlog of a workflow) and offset resets (replays).
///
/// Every call blocks on the broker, so each runs on the admin's own serial queue, never
/// on Swift's cooperative pool, and waits at most `KafkaConfiguration.requestTimeout`
/// per broker request.
public final class KafkaAdmin: Sendable {
    let configuration: KafkaConfiguration
    let client: RDKafkaClient
    let queue: KafkaBlockingQueue
    let logger: Logger
    /// One consumer handle per group whose offsets are read (`committedOffsets`, `lag`),
    /// made on first use and kept: a backlog reading every second no longer starts and
    /// stops a librdkafka client (threads, connection, coordinator lookup) each time.
    let offsetClients = Mutex<[String: RDKafkaClient]>([:])

    public init(configuration: KafkaConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        client = try RDKafkaClient(
            role: .admin(autoCreateTopics: false),
            properties: configuration.librdkafkaProperties(for: .admin(autoCreateTopics: false)),
            logger: logger)
        queue = KafkaBlockingQueue(label: "kafka.admin")
    }

    /// Creates `name` with `partitions` partitions and topic `config` (e.g.
    /// `["cleanup.policy": "compact"]`). A topic that already exists is not an error.
    /// `replicationFactor` -1 means the broker's default.
    @discardableResult
    public func createTopic(
        name: String, partitions: Int32, replicationFactor: Int32 = -1,
        config: [String: String] = [:]
    ) async throws -> KafkaTopicCreation {
        guard !name.isEmpty, partitions > 0 else {
            throw KafkaError.invalidArgument(
                "a topic needs a name and at least one partition", function: "KafkaAdmin.createTopic")
        }
        let (client, configuration, logger) = (client, configuration, logger)
        return try await queue.run {
            if try client.hasController(timeout: configuration.requestTimeout) {
                return try client.createTopic(
                    name: name, partitions: partitions, replicationFactor: replicationFactor,
                    config: config, timeout: configuration.requestTimeout)
            }
            // The librdkafka mock broker names no controller and has no CreateTopics.
            let count = try Self.autoCreate(topic: name, configuration: configuration, logger: logger)
            logger.warning(
                "The broker has no CreateTopics: \(name) was auto-created with \(count) partitions (its default); the requested \(partitions) partitions and config \(config.keys.sorted()) were not applied")
            return .autoCreated(partitions: count)
        }
    }

    /// The partition ids of `topic`; throws `unknownTopicOrPartition` when it is missing.
    public func partitions(topic: String) async throws -> [Int32] {
        let (client, timeout) = (client, configuration.requestTimeout)
        return try await queue.run { try client.partitions(of: topic, timeout: timeout) }
    }

    /// Low and high watermark of every partition of `topic`.
    public func watermarks(topic: String) async throws -> [Int32: (low: Int64, high: Int64)] {
        let (client, timeout) = (client, configuration.requestTimeout)
        return try await queue.run { try client.watermarks(of: topic, timeout: timeout) }
    }

    /// Asks the broker to auto-create `topic` through a metadata request and returns its
    /// partition count.
    private static func autoCreate(
        topic: String, configuration: KafkaConfiguration, logger: Logger
    ) throws -> Int {
        let creator = try RDKafkaClient(
            role: .admin(autoCreateTopics: true),
            properties: configuration.librdkafkaProperties(for: .admin(autoCreateTopics: true)),
            logger: logger)
        let deadline = ContinuousClock.now + configuration.requestTimeout
        while true {
            do {
                return try creator.partitions(of: topic, timeout: configuration.requestTimeout).count
            } catch let error as KafkaError
                where error.isRetriable || error.code == .unknownTopicOrPartition
            {
                // The broker creates the topic on the first request and reports it on a later one.
                guard ContinuousClock.now < deadline else { throw error }
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
    }
}
