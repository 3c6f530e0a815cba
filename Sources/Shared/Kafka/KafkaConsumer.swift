import Foundation
import Logging
import Synchronization

/// A Kafka group consumer with manual offset commits: `enable.auto.commit=false`,
/// `enable.auto.offset.store=false`, `auto.offset.reset=earliest`. Commit only what was
/// processed (`KafkaMessage.nextOffset`); what was read but not committed is delivered
/// again after a restart or rebalance (at-least-once).
///
/// Every call on the librdkafka handle (poll, commit, pause, resume, close) runs on one
/// dedicated serial queue, never on Swift's cooperative pool. Rebalance callbacks run
/// inside poll on that queue, so a commit never races a revocation: offsets of partitions
/// this consumer no longer owns are dropped (see `KafkaCommitResult`). A commit waits for
/// the poll slice in progress (50 ms at most), not for a whole poll timeout.
public final class KafkaConsumer: Sendable {
    public let groupID: String
    private let client: RDKafkaClient
    private let queue: KafkaBlockingQueue
    private let tracker: KafkaAssignmentTracker
    /// Nil from librdkafka 2.2 on (`KafkaFetchNudge.isNeeded`).
    let fetchNudge: KafkaFetchNudge?
    private let isClosed = Mutex(false)
    private let logger: Logger

    /// Creates a member of consumer group `groupID`; throws for an invalid configuration.
    /// - Parameter connectivity: told when every broker is down and when one answers
    ///   again (`KafkaConnectivity`), and `.closed` when the consumer closes. librdkafka
    ///   reports the outage inside `poll`, so a consumer that is not polled learns of it late.
    public init(
        configuration: KafkaConfiguration, groupID: String, logger: Logger, connectivity: KafkaConnectivityHandler? = nil
    ) throws {
        guard !groupID.isEmpty else {
            throw KafkaError.invalidArgument("the group id is empty", function: "KafkaConsumer.init")
        }
        var logger = logger
        logger[metadataKey: KafkaLogKey.group] = "\(groupID)"
        let tracker = KafkaAssignmentTracker()
        client = try RDKafkaClient(
            role: .groupConsumer(groupID: groupID),
            properties: configuration.librdkafkaProperties(for: .groupConsumer(groupID: groupID)),
            logger: logger, events: 0, assignment: tracker,
            brokerWatch: connectivity.map { KafkaBrokerWatch(handler: $0, logger: logger) })
        client.forwardMainQueueToConsumer()
        self.groupID = groupID
        self.tracker = tracker
        self.logger = logger
        queue = KafkaBlockingQueue(label: "kafka.consumer.\(groupID)")
        fetchNudge = KafkaFetchNudge.isNeeded ? KafkaFetchNudge(client: client, label: "kafka.consumer.\(groupID).nudge") : nil
    }

    deinit {
        client.brokerWatch?.close()
        // Without `close()`, destroying the handle leaves the group, which blocks: let the
        // last reference go on the consumer's queue, not on the caller's thread.
        queue.async { [client] in withExtendedLifetime(client) {} }
    }

    /// The partitions this consumer owns right now.
    public var assignment: Set<KafkaTopicPartition> {
        tracker.current
    }

    /// Joins the group for `topics`; partitions arrive through `poll`.
    public func subscribe(topics: [String]) async throws {
        guard !topics.isEmpty, !topics.contains(where: \.isEmpty) else {
            throw KafkaError.invalidArgument(
                "subscribe needs non-empty topic names", function: "rd_kafka_subscribe")
        }
        let client = client
        try await run("rd_kafka_subscribe") {
            try client.subscribe(topics: topics)
        }
    }

    /// Waits up to `timeout` for the first message, then takes what is already fetched,
    /// up to `maxMessages`. Returns an empty array when nothing came. Rebalances happen
    /// during this call. Transient broker errors are logged, not thrown.
    public func poll(maxMessages: Int = 500, timeout: Duration = .milliseconds(500)) async throws -> [KafkaMessage] {
        let (client, logger) = (client, logger)
        let deadline = ContinuousClock.now + timeout
        // Waits in short slices, each its own job on the queue, so a commit asked for
        // meanwhile (a pipelined writer commits while it polls) waits one slice at most.
        while true {
            let slice = min(max(deadline - ContinuousClock.now, .zero), Self.pollSlice)
            let messages = try await run("rd_kafka_consumer_poll") {
                try Self.pollMessages(client: client, logger: logger, maxMessages: max(1, maxMessages), timeout: slice)
            }
            if !messages.isEmpty {
                KafkaMetrics.consumed.increment(by: Int64(messages.count))
                fetchNudge?.afterPoll(owning: tracker.current)
                return messages
            }
            if ContinuousClock.now >= deadline || Task.isCancelled { return [] }
        }
    }

    /// The longest a poll holds the consumer's queue. Under load a poll returns at once;
    /// an idle one wakes once per slice, and 10 ms slices cost an idle writer 0.4 ms of
    /// CPU per change at 200 changes/s (50 ms: 0.14 ms; docs/performance.md).
    static let pollSlice: Duration = .milliseconds(50)

    /// Synchronously commits exactly `offsets` (each the NEXT offset to read, i.e. last
    /// processed + 1; for a partition given twice, the highest). Offsets of partitions no
    /// longer assigned are dropped, not sent. A commit refused because of a rebalance
    /// throws; its messages will be delivered again, so writers must be idempotent.
    @discardableResult
    public func commit(_ offsets: [KafkaTopicPartitionOffset]) async throws -> KafkaCommitResult {
        let (client, tracker, logger) = (client, tracker, logger)
        return try await run("rd_kafka_commit") {
            let owned = tracker.current
            let latest = Self.highestPerPartition(offsets)
            let committed = latest.filter { owned.contains($0.topicPartition) }
            let dropped = latest.filter { !owned.contains($0.topicPartition) }
            if !dropped.isEmpty {
                KafkaMetrics.droppedCommits.increment(by: Int64(dropped.count))
                logger.info(
                    "Kafka commit dropped for partitions no longer assigned: \(dropped.map(\.description).joined(separator: ", "))")
            }
            guard !committed.isEmpty else {
                return KafkaCommitResult(committed: [], dropped: dropped)
            }
            do {
                try client.commit(committed)
            } catch {
                KafkaMetrics.failedCommits.increment()
                throw error
            }
            KafkaMetrics.commits.increment()
            return KafkaCommitResult(committed: committed, dropped: dropped)
        }
    }

    /// Stops fetching from `partitions` (back-pressure) until `resume`. A rebalance that
    /// re-assigns a partition resumes it.
    public func pause(_ partitions: [KafkaTopicPartition]) async throws {
        let client = client
        try await run("rd_kafka_pause_partitions") {
            try client.setFlow(partitions, paused: true)
        }
    }

    public func resume(_ partitions: [KafkaTopicPartition]) async throws {
        let client = client
        try await run("rd_kafka_resume_partitions") {
            try client.setFlow(partitions, paused: false)
        }
    }

    /// Leaves the group without committing anything; the partitions go to the other
    /// members, which re-read from the last committed offsets. Safe to call twice.
    public func close() async {
        let wasClosed = isClosed.withLock { closed in
            defer { closed = true }
            return closed
        }
        guard !wasClosed else { return }
        let (client, tracker, logger) = (client, tracker, logger)
        await queue.run {
            if let error = client.closeConsumer() {
                logger.warning("Kafka consumer close: \(error)")
            }
            tracker.clear()
            client.brokerWatch?.close()
        }
    }

    /// Runs `body` on the consumer's queue unless the consumer is closed.
    private func run<T: Sendable>(
        _ function: String, _ body: @escaping @Sendable () throws -> T
    ) async throws -> T {
        try await queue.run { [self] in
            if isClosed.withLock({ $0 }) {
                throw KafkaError.closed("consumer", function: function)
            }
            return try body()
        }
    }

    private static func highestPerPartition(
        _ offsets: [KafkaTopicPartitionOffset]
    ) -> [KafkaTopicPartitionOffset] {
        var highest: [KafkaTopicPartition: Int64] = [:]
        for entry in offsets {
            highest[entry.topicPartition] = max(highest[entry.topicPartition] ?? .min, entry.offset)
        }
        return highest.sorted { $0.key < $1.key }.map {
            KafkaTopicPartitionOffset(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value)
        }
    }
}
