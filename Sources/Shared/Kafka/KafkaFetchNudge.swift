import CRDKafka
import Synchronization

/// Wakes the broker threads of a group consumer whose prefetch filled up, so they fetch
/// again as soon as the application has taken some of it.
///
/// librdkafka before 2.2 stops fetching a partition once the consumer's queue holds
/// `queued.max.messages.kbytes` (or `queued.min.messages`) and looks at it again only
/// when the broker's thread next wakes: after up to a second if nothing else happens on
/// that connection (librdkafka issue #2879; 2.2 turned that second into
/// `fetch.queue.backoff.ms`). A consumer that drains its prefetch in less than a second
/// then sits idle for the rest of it: the crm-to-campaign writer, whose 16 MiB prefetch
/// holds half a second of its work, ran at 52,000 records/s where it applies 90,000
/// (docs/performance.md, "Writer alone").
/// The only documented way around it there is a prefetch that holds a second of work,
/// which a writer held to 150 MB cannot afford.
///
/// A request on a broker's connection wakes its thread, which then decides again whether
/// to fetch. So after a poll that returned messages, the nudge asks the leaders of the
/// consumer's partitions for their end offsets: `rd_kafka_offsets_for_times` sends one
/// ListOffsets per leader, so each broker the consumer fetches from is woken once. It
/// runs on a queue of its own and never holds up a poll; at most one per `interval` is
/// sent, one at a time. An error (a broker down, a partition moving) is ignored: the
/// fetcher meets the same and reports it.
final class KafkaFetchNudge: Sendable {
    /// librdkafka 2.2 replaced the wait by `fetch.queue.backoff.ms`, which a nudge does not cut short.
    static var isNeeded: Bool { rd_kafka_version() < 0x0202_0000 }

    private let client: RDKafkaClient
    private let queue: KafkaBlockingQueue
    private let interval: Duration
    private let state = Mutex(State())

    private struct State {
        /// A nudge is enqueued and not yet sent: later polls join it.
        var scheduled = false
        var partitions: Set<KafkaTopicPartition> = []
        var last: ContinuousClock.Instant?
        var sent = 0
    }

    /// How many nudges were sent.
    var sent: Int { state.withLock { $0.sent } }

    init(client: RDKafkaClient, label: String, interval: Duration = .milliseconds(50)) {
        self.client = client
        self.queue = KafkaBlockingQueue(label: label)
        self.interval = interval
    }

    /// After a poll that returned messages: wakes the leaders of `partitions` once the
    /// last nudge is `interval` old. A poll while a nudge waits joins it; a poll while one
    /// is being sent gets the next, so every poll that took messages is followed by a
    /// nudge, which matters for the last one before the prefetch runs dry.
    func afterPoll(owning partitions: Set<KafkaTopicPartition>) {
        guard !partitions.isEmpty else { return }
        let now = ContinuousClock.now
        let delay: Duration? = state.withLock { state in
            state.partitions = partitions
            guard !state.scheduled else { return nil }
            state.scheduled = true
            return state.last.map { $0 + interval - now } ?? .zero
        }
        guard let delay else { return }
        queue.async(after: delay) { [self] in
            let partitions = state.withLock { state in
                state.scheduled = false
                state.last = .now
                state.sent += 1
                return state.partitions
            }
            client.wakeLeaders(of: partitions, timeout: .seconds(1))
        }
    }
}

extension RDKafkaClient {
    /// One ListOffsets (end offsets) per leader of `partitions`; the answers are not read.
    func wakeLeaders(of partitions: Set<KafkaTopicPartition>, timeout: Duration) {
        let list = RDKafkaTopicPartitionList(partitions, offset: Int64(RD_KAFKA_OFFSET_END))
        list.withListPointer { pointer in
            _ = rd_kafka_offsets_for_times(handle, pointer, timeout.kafkaMilliseconds)
        }
    }
}
