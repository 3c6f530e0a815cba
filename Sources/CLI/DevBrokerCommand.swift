import ArgumentParser
import Config
import DevBroker
import Dispatch
import Foundation
import KafkaBridge
import Logging
import WorkflowRuntime

/// `crmbridge dev-broker`: a local Kafka-protocol broker (librdkafka's mock cluster) for
/// development, demos and tests. It lives in memory, in this process: data is gone when
/// it stops. Its port is random, so it publishes its bootstrap address in a file.
struct DevBrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev-broker",
        abstract: "Run a local in-memory Kafka broker (librdkafka mock cluster) until SIGINT/SIGTERM.",
        discussion: """
            Prints the bootstrap address and, with --address-file, writes it to that file \
            (atomically; removed on exit). Clients should use session.timeout.ms=6000 and \
            heartbeat.interval.ms=500 (KafkaConfiguration.localDefaults). Topics that clients \
            use without creating them are auto-created with 4 partitions (fixed by \
            librdkafka 2.0.2); create others up front with --topic.
            """)

    @Option(help: "Number of brokers (1-32).")
    var brokers = 1

    @Option(name: .customLong("partitions-default"), help: "Partitions of each --topic given without a count.")
    var partitionsDefault: Int32 = 4

    @Option(name: .customLong("topic"), help: "Create a topic at start: NAME or NAME:PARTITIONS. Repeatable.")
    var topics: [String] = []

    @Option(name: .customLong("config"), help: "Create every topic of the workflows in this crmbridge.yaml at start, with --workflow-partitions partitions.")
    var configPath: String?

    @Option(name: .customLong("workflow-partitions"), help: "Partitions of the topics created from --config (1-256).")
    var workflowPartitions: Int32 = LocalBrokerTopics.workflowTopicPartitions

    @Option(name: .customLong("address-file"), help: "Write the bootstrap address to this file.")
    var addressFile: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "notice"

    func validate() throws {
        guard (1...32).contains(brokers) else {
            throw ValidationError("--brokers must be between 1 and 32, not \(brokers).")
        }
        guard partitionsDefault >= 1 else {
            throw ValidationError("--partitions-default must be at least 1, not \(partitionsDefault).")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level \(logLevel) is not a log level.")
        }
        guard (1...256).contains(workflowPartitions) else {
            throw ValidationError("--workflow-partitions must be between 1 and 256, not \(workflowPartitions).")
        }
        _ = try topicSpecs()
    }

    func run() async throws {
        var logger = Logger(label: "crmbridge.dev-broker")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .notice
        let stop = SignalWaiter(signals: [SIGINT, SIGTERM])

        let cluster = try KafkaMockCluster(brokers: brokers, logger: logger)
        for (name, partitions) in try topicSpecs() + workflowTopics() {
            try cluster.createTopic(name, partitions: partitions)
            logger.info("Created topic \(name) with \(partitions) partitions")
        }
        if let addressFile {
            try Self.publish(cluster.bootstrapServers, to: addressFile)
        }
        FileHandle.standardOutput.write(Data((cluster.bootstrapServers + "\n").utf8))
        logger.notice("Kafka dev broker with \(brokers) broker(s) at \(cluster.bootstrapServers); Ctrl-C to stop")

        let signal = await stop.wait()
        logger.notice("Kafka dev broker stopping (signal \(signal))")
        if let addressFile {
            Self.unpublish(cluster.bootstrapServers, from: addressFile)
        }
        withExtendedLifetime(cluster) {}
    }

    /// The topics of the workflows in `--config`. The mock broker keeps only the last
    /// 5 MiB of each partition (librdkafka 2.0.2), so a backlog larger than that would lose
    /// its oldest messages: many partitions give the local broker room for big loads.
    private func workflowTopics() throws -> [(String, Int32)] {
        guard let configPath else { return [] }
        let config: CRMBridgeConfig
        do {
            // Only the workflows matter here; the connections are not known yet (the broker
            // is one of them), so their variables get stand-ins when unset.
            let standIns = [
                "CAMPAIGN_DATABASE_URL": "postgresql://unused", "KAFKA_BOOTSTRAP_SERVERS": "unused:9092",
                "DYNAMICS_URL": "http://unused", "DYNAMICS_TOKEN_URL": "http://unused/token",
                "DYNAMICS_CLIENT_ID": "unused", "DYNAMICS_CLIENT_SECRET": "unused",
                "SALESFORCE_URL": "http://unused", "SALESFORCE_CLIENT_ID": "unused", "SALESFORCE_CLIENT_SECRET": "unused",
            ]
            let environment = standIns.merging(ProcessInfo.processInfo.environment) { _, real in real }
            config = try CRMBridgeConfig.load(path: configPath, environment: environment)
        } catch {
            throw ValidationError("--config \(configPath) is not valid:\n\(error)")
        }
        var names = config.crmToCampaign.entities.map { Topics.crmToCampaign(entity: $0.name) }
        names += [Topics.emailEvents, Topics.optOutFromCRM, Topics.optOutFromCampaign]
        names += config.campaignToCRM.exports.map { Topics.campaignToCRM(export: $0.name) }
        names += WorkflowName.allCases.map(Topics.rejects)
        return names.map { ($0, workflowPartitions) }
    }

    /// `--topic` values as (name, partitions).
    private func topicSpecs() throws -> [(String, Int32)] {
        try topics.map { spec in
            let parts = spec.split(separator: ":", omittingEmptySubsequences: false)
            guard let name = parts.first, !name.isEmpty, parts.count <= 2 else {
                throw ValidationError("--topic \(spec): expected NAME or NAME:PARTITIONS.")
            }
            guard parts.count == 2 else { return (String(name), partitionsDefault) }
            guard let partitions = Int32(parts[1]), partitions >= 1 else {
                throw ValidationError("--topic \(spec): the partition count must be a positive number.")
            }
            return (String(name), partitions)
        }
    }

    /// Writes `address` to a temporary file next to `path`, then renames it over `path`,
    /// so a reader sees either no file or the whole address.
    private static func publish(_ address: String, to path: String) throws {
        let temporary = "\(path).tmp-\(ProcessInfo.processInfo.processIdentifier)"
        do {
            try Data((address + "\n").utf8).write(to: URL(fileURLWithPath: temporary))
        } catch {
            throw ValidationError("cannot write \(temporary): \(error.localizedDescription)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw ValidationError("cannot rename \(temporary) to \(path): \(reason)")
        }
    }

    /// Removes the address file unless another broker has replaced it since.
    private static func unpublish(_ address: String, from path: String) {
        let current = try? String(contentsOfFile: path, encoding: .utf8)
        if current?.trimmingCharacters(in: .whitespacesAndNewlines) == address {
            unlink(path)
        }
    }
}

/// Waits for the first of some signals, with their default action disabled meanwhile.
final class SignalWaiter {
    private let sources: [DispatchSourceSignal]
    private let received: AsyncStream<Int32>

    init(signals: [Int32]) {
        let (stream, continuation) = AsyncStream<Int32>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let queue = DispatchQueue(label: "crmbridge.signals")
        received = stream
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
    }

    /// The number of the first signal received.
    func wait() async -> Int32 {
        for await number in received {
            return number
        }
        return 0
    }

    deinit {
        for source in sources {
            source.cancel()
        }
    }
}
