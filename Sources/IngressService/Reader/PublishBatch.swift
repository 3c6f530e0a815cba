import KafkaBridge
import Synchronization

/// The pages a load has read but not yet sent: their ids (all of them, for the full
/// load's ledger) and the encoded envelopes of those to publish (the overlap's repeats
/// left out). `EntityImport` sends it once `readCount` reaches the publisher's
/// `recordsPerSend`, or at the window's last page.
struct PublishBatch: Sendable {
    private(set) var readIDs: [String] = []
    private(set) var records: [KafkaRecord] = []

    var readCount: Int { readIDs.count }
    var isEmpty: Bool { readIDs.isEmpty }

    mutating func add(read ids: [String], publishing records: [KafkaRecord]) {
        readIDs += ids
        self.records += records
    }

    /// The ids and the envelopes, each to be let go of on its own.
    consuming func parts() -> (readIDs: [String], records: [KafkaRecord]) {
        (readIDs, records)
    }
}

/// Gives a `PublishBatch` to the task that sends it, so that the task alone owns it and
/// can let go of its ids once recorded and of its envelopes once librdkafka copied them:
/// a closure's capture would hold both until the broker answered, and the reader would
/// keep a whole send twice (its envelopes, and librdkafka's copy).
final class PublishBatchHandoff: Sendable {
    private let batch: Mutex<PublishBatch?>

    init(_ batch: consuming PublishBatch) {
        self.batch = Mutex(batch)
    }

    /// The batch; empty when taken a second time.
    func take() -> PublishBatch {
        batch.withLock { batch in
            defer { batch = nil }
            return batch ?? PublishBatch()
        }
    }
}
