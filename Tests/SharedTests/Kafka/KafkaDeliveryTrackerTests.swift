@testable import KafkaBridge
import Testing

@Suite("Kafka delivery tracking (no broker)")
struct KafkaDeliveryTrackerTests {
    /// Starts a send of `count` records on `tracker`; returns its id and the awaited outcome.
    private func start(
        _ tracker: KafkaDeliveryTracker, count: Int, reportTopic: String? = nil
    ) async throws -> (UInt32, Task<KafkaDeliveryReport?, any Error>) {
        let (ids, registered) = AsyncStream.makeStream(of: UInt32.self)
        let outcome = Task {
            try await withCheckedThrowingContinuation { continuation in
                registered.yield(
                    tracker.register(count: count, reportTopic: reportTopic) { continuation.resume(with: $0) })
                registered.finish()
            }
        }
        var iterator = ids.makeAsyncIterator()
        return (try #require(await iterator.next()), outcome)
    }

    private func delivery(_ batch: UInt32, _ index: Int, _ error: KafkaError.Code = .noError, offset: Int64 = 0)
        -> KafkaDeliveryTracker.Delivery
    {
        let token = UInt(bitPattern: KafkaDeliveryTracker.token(batch: batch, index: index))
        return .init(token: token, error: error, partition: 2, offset: offset)
    }

    @Test func aBatchCompletesOnlyOnceEveryEnqueuedRecordWasAcknowledged() async throws {
        let tracker = KafkaDeliveryTracker()
        let (id, outcome) = try await start(tracker, count: 3)
        tracker.deliver([delivery(id, 0), delivery(id, 2)])
        tracker.enqueueFinished(batch: id, enqueued: 3, error: nil)
        #expect(tracker.pendingCount == 1)
        tracker.deliver([delivery(id, 1)])
        #expect(tracker.pendingCount == 0)
        #expect(try await outcome.value == nil)
    }

    @Test func aSingleSendGetsItsPartitionAndOffset() async throws {
        let tracker = KafkaDeliveryTracker()
        let (id, outcome) = try await start(tracker, count: 1, reportTopic: "contacts")
        tracker.enqueueFinished(batch: id, enqueued: 1, error: nil)
        tracker.deliver([delivery(id, 0, offset: 41)])
        #expect(try await outcome.value == KafkaDeliveryReport(topic: "contacts", partition: 2, offset: 41))
    }

    @Test func oneFailedRecordFailsTheBatchAndSaysWhich() async throws {
        let tracker = KafkaDeliveryTracker()
        let (id, outcome) = try await start(tracker, count: 3)
        tracker.enqueueFinished(batch: id, enqueued: 3, error: nil)
        tracker.deliver([delivery(id, 0), delivery(id, 1, .messageTimedOut), delivery(id, 2)])
        let error = await #expect(throws: KafkaError.self) { try await outcome.value }
        #expect(error?.code == .messageTimedOut)
        #expect(error?.isRetriable == true)
        #expect(error?.message.contains("1 of 3 records were not delivered (first: record 1)") == true)
    }

    @Test func aBatchCutShortByAnEnqueueErrorFailsAfterItsEnqueuedRecordsSettle() async throws {
        let tracker = KafkaDeliveryTracker()
        let (id, outcome) = try await start(tracker, count: 3)
        let refused = KafkaError.invalidArgument("invalid topic", function: "rd_kafka_topic_new")
        tracker.enqueueFinished(batch: id, enqueued: 2, error: refused)
        #expect(tracker.pendingCount == 1)
        tracker.deliver([delivery(id, 0), delivery(id, 1)])
        let error = await #expect(throws: KafkaError.self) { try await outcome.value }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("record 2 of 3 could not be enqueued") == true)
    }

    @Test func closingFailsEverySendStillWaiting() async throws {
        let tracker = KafkaDeliveryTracker()
        let (_, outcome) = try await start(tracker, count: 5)
        tracker.failAll(with: .closed("producer", function: "test"))
        let error = await #expect(throws: KafkaError.self) { try await outcome.value }
        #expect(error?.code == .destroyed)
        #expect(tracker.pendingCount == 0)
    }
}
