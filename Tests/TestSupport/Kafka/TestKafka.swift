import DevBroker
import Foundation
import KafkaBridge
import Logging

/// The Kafka side of the tests: one librdkafka mock cluster (three brokers, real Kafka
/// protocol over TCP) per test process, started on first use, and unique topic and group
/// names so tests running in parallel never share data.
public enum TestKafka {
    /// Test logs: warnings and above, or `CRMBRIDGE_TEST_LOG_LEVEL` (e.g. `debug`).
    public static let logger: Logger = {
        var logger = Logger(label: "test.kafka")
        let level = ProcessInfo.processInfo.environment["CRMBRIDGE_TEST_LOG_LEVEL"]
        logger.logLevel = level.flatMap(Logger.Level.init(rawValue:)) ?? .warning
        return logger
    }()

    /// Swift initialises a static `let` once, thread-safely, on first use.
    private static let sharedCluster = Result<KafkaMockCluster, any Error> {
        try KafkaMockCluster(brokers: 3, logger: logger)
    }

    /// The process-wide mock cluster.
    public static func cluster() throws -> KafkaMockCluster {
        try sharedCluster.get()
    }

    /// `KafkaConfiguration.localDefaults` for the shared cluster.
    public static func configuration(clientID: String = "crmbridge-test") throws -> KafkaConfiguration {
        .localDefaults(bootstrapServers: try cluster().bootstrapServers, clientID: clientID)
    }

    /// A name no other test uses: `<prefix>-<random>`.
    public static func uniqueName(_ prefix: String) -> String {
        let suffix = UUID().uuidString.lowercased().prefix(12)
        return "\(prefix)-\(suffix)"
    }

    /// Creates a fresh topic on the shared cluster and returns its name.
    public static func createTopic(_ prefix: String = "test", partitions: Int32 = 4) throws -> String {
        let name = uniqueName(prefix)
        try cluster().createTopic(name, partitions: partitions)
        return name
    }
}

extension TestKafka {
    /// Polls `consumer` until `done(messagesSoFar)` holds (each poll waits up to 200 ms).
    public static func consume(
        _ consumer: KafkaConsumer, timeout: Duration = .seconds(60), _ what: String,
        until done: ([KafkaMessage]) -> Bool
    ) async throws -> [KafkaMessage] {
        var messages: [KafkaMessage] = []
        try await eventually("\(what) (\(messages.count) messages read)", timeout: timeout, interval: .zero) {
            if done(messages) { return true }
            messages += try await consumer.poll(maxMessages: 1000, timeout: .milliseconds(200))
            return done(messages)
        }
        return messages
    }

    /// Whether `messages` reach the end of every partition that has messages after `start`
    /// (high watermark − 1 seen), i.e. a consumer read its partitions to their end.
    public static func reachedEnd(
        _ messages: [KafkaMessage], topic: String, high: [Int32: Int64], start: [Int32: Int64] = [:]
    ) -> Bool {
        var last: [Int32: Int64] = [:]
        for message in messages where message.topic == topic {
            last[message.partition] = max(last[message.partition] ?? -1, message.offset)
        }
        return high.allSatisfy { partition, end in
            end <= (start[partition] ?? 0) || last[partition] == end - 1
        }
    }
}
