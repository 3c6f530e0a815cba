import Synchronization

/// The partitions a group consumer currently owns, as the rebalance callback reported them.
/// Commits consult it so offsets of revoked partitions are dropped, never sent.
package final class KafkaAssignmentTracker: Sendable {
    private let partitions = Mutex(Set<KafkaTopicPartition>())

    var current: Set<KafkaTopicPartition> {
        partitions.withLock { $0 }
    }

    func assigned(_ added: [KafkaTopicPartition], incremental: Bool) {
        partitions.withLock { owned in
            if !incremental { owned.removeAll() }
            owned.formUnion(added)
        }
    }

    func revoked(_ removed: [KafkaTopicPartition], incremental: Bool) {
        partitions.withLock { owned in
            if incremental {
                owned.subtract(removed)
            } else {
                owned.removeAll()
            }
        }
    }

    func clear() {
        partitions.withLock { $0.removeAll() }
    }
}
