import Foundation
import Synchronization

/// Tracks produced messages until the broker acknowledged them. A send (one record or a
/// batch) is one entry; each message's librdkafka opaque is a token — the entry's id in
/// the high 32 bits, the record's index in the low 32 — so a batch costs one continuation,
/// not one per message. Delivery reports are applied under one lock per report event.
final class KafkaDeliveryTracker: Sendable {
    /// Called once with the send's outcome, on whichever thread settled it.
    typealias Completion = @Sendable (Result<KafkaDeliveryReport?, any Error>) -> Void

    /// A delivery report, as read from a librdkafka event.
    struct Delivery {
        var token: UInt
        var error: KafkaError.Code
        var partition: Int32
        var offset: Int64
    }

    private struct Batch {
        let count: Int
        /// Set for single sends, whose caller gets the report.
        let reportTopic: String?
        let completion: Completion
        var enqueued: Int?
        var enqueueError: KafkaError?
        var settled = 0
        var failed = 0
        var firstFailure: (index: Int, error: KafkaError)?
        var report: KafkaDeliveryReport?

        var isComplete: Bool { enqueued.map { settled >= $0 } ?? false }
    }

    private struct State {
        var nextID: UInt32 = 1
        var batches: [UInt32: Batch] = [:]
    }

    private let state = Mutex(State())
    private let progress = NSCondition()

    /// Registers a send of `count` records; returns its id for `token(batch:index:)`.
    func register(count: Int, reportTopic: String?, completion: @escaping Completion) -> UInt32 {
        state.withLock { state in
            let id = state.nextID
            state.nextID = state.nextID == UInt32.max ? 1 : state.nextID + 1
            state.batches[id] = Batch(count: count, reportTopic: reportTopic, completion: completion)
            return id
        }
    }

    static func token(batch: UInt32, index: Int) -> UnsafeMutableRawPointer? {
        UnsafeMutableRawPointer(bitPattern: UInt(batch) << 32 | UInt(UInt32(truncatingIfNeeded: index)))
    }

    /// The enqueue loop is done with `batch`: `enqueued` records reached librdkafka, the
    /// rest (if any) did not because of `error`.
    func enqueueFinished(batch id: UInt32, enqueued: Int, error: KafkaError?) {
        let finished: (Completion, Result<KafkaDeliveryReport?, any Error>)? = state.withLock { state in
            guard var batch = state.batches[id] else { return nil }
            batch.enqueued = enqueued
            batch.enqueueError = error
            return Self.settleIfComplete(&state, id: id, batch: batch)
        }
        if let (completion, result) = finished {
            completion(result)
        }
    }

    /// Applies delivery reports (called by the poll thread, one call per report event).
    func deliver(_ deliveries: [Delivery]) {
        var finished: [(Completion, Result<KafkaDeliveryReport?, any Error>)] = []
        var failures = 0
        state.withLock { state in
            for delivery in deliveries {
                let id = UInt32(truncatingIfNeeded: delivery.token >> 32)
                guard var batch = state.batches[id] else { continue }
                batch.settled += 1
                if delivery.error != .noError {
                    failures += 1
                    batch.failed += 1
                    if batch.firstFailure == nil {
                        let index = Int(UInt32(truncatingIfNeeded: delivery.token))
                        let error = KafkaError(delivery.error, function: "delivery report")
                        batch.firstFailure = (index, error)
                    }
                } else if let topic = batch.reportTopic {
                    batch.report = KafkaDeliveryReport(
                        topic: topic, partition: delivery.partition, offset: delivery.offset)
                }
                if let done = Self.settleIfComplete(&state, id: id, batch: batch) {
                    finished.append(done)
                }
            }
        }
        for (completion, result) in finished {
            completion(result)
        }
        KafkaMetrics.delivered.increment(by: Int64(deliveries.count - failures))
        if failures > 0 { KafkaMetrics.failed.increment(by: Int64(failures)) }
        wakeWaiters()
    }

    /// Fails every send still waiting (the producer is gone and reports will not come).
    func failAll(with error: KafkaError) {
        let pending = state.withLock { state in
            defer { state.batches.removeAll() }
            return state.batches.values.map(\.completion)
        }
        for completion in pending {
            completion(.failure(error))
        }
        wakeWaiters()
    }

    /// Blocks the enqueue thread until some delivery reports arrived or `timeout` passed;
    /// used when librdkafka's queue is full.
    func waitForProgress(timeout: Duration) {
        progress.lock()
        defer { progress.unlock() }
        let seconds = Double(timeout.components.seconds)
            + Double(timeout.components.attoseconds) / 1e18
        _ = progress.wait(until: Date(timeIntervalSinceNow: seconds))
    }

    private func wakeWaiters() {
        progress.lock()
        progress.broadcast()
        progress.unlock()
    }

    var pendingCount: Int {
        state.withLock { $0.batches.count }
    }

    private static func settleIfComplete(
        _ state: inout State, id: UInt32, batch: Batch
    ) -> (Completion, Result<KafkaDeliveryReport?, any Error>)? {
        guard batch.isComplete else {
            state.batches[id] = batch
            return nil
        }
        state.batches[id] = nil
        return (batch.completion, result(of: batch))
    }

    private static func result(of batch: Batch) -> Result<KafkaDeliveryReport?, any Error> {
        if let (index, error) = batch.firstFailure {
            let scope = batch.count == 1
                ? "the record was not delivered"
                : "\(batch.failed) of \(batch.count) records were not delivered (first: record \(index))"
            return .failure(
                KafkaError(
                    code: error.code, message: "\(scope): \(error.message)",
                    function: error.function, isRetriable: error.isRetriable))
        }
        if let error = batch.enqueueError {
            let enqueued = batch.enqueued ?? 0
            let scope = batch.count == 1
                ? "the record was not enqueued"
                : "record \(enqueued) of \(batch.count) could not be enqueued (\(enqueued) were sent)"
            return .failure(
                KafkaError(
                    code: error.code, message: "\(scope): \(error.message)",
                    function: error.function, isRetriable: error.isRetriable,
                    isFatal: error.isFatal))
        }
        return .success(batch.report)
    }
}
