import Logging
import Synchronization

/// An idempotent Kafka producer (`enable.idempotence=true`, `acks=all`).
///
/// Records are enqueued on a dedicated serial queue (`rd_kafka_produceva`, payloads
/// copied) and a dedicated poll thread serves delivery reports, so no call blocks Swift's
/// cooperative pool. When librdkafka's queue is full (`queue.buffering.max.messages`,
/// `queue.buffering.max.kbytes`) enqueueing waits for delivery reports and retries:
/// memory stays bounded and callers feel back-pressure. Every send completes within
/// `KafkaConfiguration.messageTimeout`, also when no broker is reachable.
///
/// Call `close()` before dropping the producer: it flushes what is in flight.
public final class KafkaProducer: Sendable {
    private enum State {
        case open
        case closing
        case closed
    }

    private let core: RDKafkaProducerCore
    private let pollThread: KafkaPollThread
    private let enqueueQueue: KafkaBlockingQueue
    private let state = Mutex(State.open)
    private let logger: Logger

    /// Creates the producer; throws a `KafkaError` for an invalid configuration.
    /// - Parameter connectivity: told when every broker is down and when one answers
    ///   again (`KafkaConnectivity`), and `.closed` when the producer closes.
    public init(configuration: KafkaConfiguration, logger: Logger, connectivity: KafkaConnectivityHandler? = nil) throws {
        let watch = connectivity.map { KafkaBrokerWatch(handler: $0, logger: logger) }
        let core = try RDKafkaProducerCore(configuration: configuration, logger: logger, brokerWatch: watch)
        self.core = core
        self.logger = logger
        enqueueQueue = KafkaBlockingQueue(label: "kafka.producer.enqueue")
        pollThread = KafkaPollThread(name: "kafka-producer-poll") { core.pollOnce() }
    }

    deinit {
        pollThread.stop()
        core.client.brokerWatch?.close()
    }

    /// Sends one record and returns once the broker acknowledged it (all in-sync replicas),
    /// with the partition and offset it got.
    public func send(_ record: KafkaRecord) async throws -> KafkaDeliveryReport {
        try checkCanSend(count: 1)
        let outcome = try await withCheckedThrowingContinuation { continuation in
            submit([record], wantsReport: true, completion: { continuation.resume(with: $0) })
        }
        guard let report = outcome else {
            throw KafkaError(
                code: .failedMessage, message: "no delivery report for the record",
                function: "KafkaProducer.send")
        }
        return report
    }

    /// Sends every record and returns once each one was acknowledged; throws if any failed
    /// (the error says how many). Records of one key keep their order. On error, some
    /// records may have been written: retry the whole batch (consumers are idempotent).
    public func send(_ records: [KafkaRecord]) async throws {
        guard !records.isEmpty else { return }
        try checkCanSend(count: records.count)
        _ = try await withCheckedThrowingContinuation { continuation in
            submit(records, wantsReport: false, completion: { continuation.resume(with: $0) })
        }
    }

    /// Hands every record to librdkafka and returns once it holds a copy of each (waiting
    /// while its queue is full); the broker's acknowledgement is awaited on the returned
    /// `KafkaPendingSend`, as `send(_:)` would. The records are released on return, so a
    /// caller that gives them up (`consume`) does not hold a batch twice while the broker
    /// answers. Ordering and the meaning of a failure are those of `send(_:)`.
    public func enqueue(_ records: [KafkaRecord]) async throws -> KafkaPendingSend {
        let (acknowledgement, outcome) = AsyncThrowingStream<Never, any Error>.makeStream()
        guard !records.isEmpty else {
            outcome.finish()
            return KafkaPendingSend(acknowledgement)
        }
        try checkCanSend(count: records.count)
        await withCheckedContinuation { enqueued in
            submit(
                records, wantsReport: false,
                completion: { result in
                    switch result {
                    case .success: outcome.finish()
                    case .failure(let error): outcome.finish(throwing: error)
                    }
                },
                enqueued: { enqueued.resume() })
        }
        return KafkaPendingSend(acknowledgement)
    }

    /// Waits until every record sent so far was acknowledged or failed.
    public func flush(timeout: Duration) async throws {
        let core = core
        if let error = await enqueueQueue.run({ core.flush(timeout: timeout) }) {
            throw error
        }
    }

    /// Flushes (up to `timeout`), fails what is still not acknowledged after that, and
    /// stops the poll thread. Sends after `close()` throw. Safe to call more than once.
    public func close(timeout: Duration = .seconds(30)) async {
        let mustClose = state.withLock { state in
            guard case .open = state else { return false }
            state = .closing
            return true
        }
        guard mustClose else { return }
        let (core, pollThread, logger) = (core, pollThread, logger)
        await enqueueQueue.run {
            if let error = core.flush(timeout: timeout) {
                logger.warning(
                    "Kafka producer closing with \(core.outstandingCount) unacknowledged messages: \(error)")
                core.purge()
                _ = core.flush(timeout: .seconds(5))
            }
            pollThread.stopAndJoin()
            core.tracker.failAll(with: .closed("producer", function: "KafkaProducer.close"))
            core.client.brokerWatch?.close()
        }
        state.withLock { $0 = .closed }
    }

    private func checkCanSend(count: Int) throws {
        try state.withLock { state in
            guard case .open = state else {
                throw KafkaError.closed("producer", function: "KafkaProducer.send")
            }
        }
        if let fatal = core.fatal {
            throw fatal
        }
        guard count <= Int(UInt32.max) else {
            throw KafkaError.invalidArgument(
                "a batch holds at most \(UInt32.max) records", function: "KafkaProducer.send")
        }
    }

    /// Registers the send and enqueues its records on the enqueue queue; `completion` gets
    /// the outcome once every record settled, `enqueued` runs once librdkafka holds them
    /// (or refused the rest). The records are captured by the enqueue job alone, which
    /// drops them when it ends.
    private func submit(
        _ records: [KafkaRecord], wantsReport: Bool,
        completion: @escaping KafkaDeliveryTracker.Completion, enqueued: (@Sendable () -> Void)? = nil
    ) {
        let core = core
        let batch = core.tracker.register(
            count: records.count, reportTopic: wantsReport ? records[0].topic : nil, completion: completion)
        enqueueQueue.async { [records] in
            let (count, error) = Self.enqueue(records, batch: batch, core: core)
            core.tracker.enqueueFinished(batch: batch, enqueued: count, error: error)
            enqueued?()
        }
    }

    /// Enqueues records in order; on `_QUEUE_FULL` waits for delivery reports and retries.
    /// Returns how many were enqueued and, if it stopped early, why.
    private static func enqueue(
        _ records: [KafkaRecord], batch: UInt32, core: RDKafkaProducerCore
    ) -> (Int, KafkaError?) {
        for (index, record) in records.enumerated() {
            let token = KafkaDeliveryTracker.token(batch: batch, index: index)
            while let error = core.produce(record, opaque: token) {
                guard error.code == .queueFull else { return (index, error) }
                if let fatal = core.fatal { return (index, fatal) }
                core.tracker.waitForProgress(timeout: .milliseconds(10))
            }
        }
        return (records.count, nil)
    }
}
