import CRMConnectors
import CoreValues
import Foundation

/// What the last window of an entity published in the span the next window reads again,
/// so that span is not published twice.
///
/// Each incremental window re-reads the look-back before the previous window's end
/// (equal timestamps, late commits). Publishing all of it again made every change reach
/// Kafka and the writers about `1 + lookBack / interval` times, and the backlog show as
/// much. The rule: a window skips a record whose exact version (operation, id,
/// last-modified time) an earlier window published. A record that changed again has
/// another time, a record committed late was never published: both go out.
///
/// Only versions the next window reads again are kept, those at or after its start
/// (`ImportWindow.nextStart`): memory follows the look-back times the change rate (plus,
/// after a full load, the changes made during the load), and stops at `capacity` versions
/// per entity: past it, versions are not remembered and go out once more, harmlessly.
///
/// The memory belongs to the LASTIMPORT value written after its versions were in Kafka:
/// - it is taken (`Pass.memory(after:)`) only once the window's records are acknowledged
///   and the option written, so a window that fails is retried with the memory it started
///   with, and re-publishes what it had already sent (at least once, never lost);
/// - a window starting from another value (an operator edited the option, another reader
///   instance wrote it) skips nothing, nor does a full load, which re-reads on purpose;
/// - a new reader process (a restart, a standby taking over) starts empty: its first
///   window re-publishes its look-back once, harmless since writes are newer-wins.
struct OverlapMemory: Sendable {
    struct Version: Hashable, Sendable {
        var operation: Envelope.Operation
        var id: String
        var modifiedAt: Date
    }

    /// About 100 bytes a version: 10 MB per entity at most.
    static let defaultCapacity = 100_000

    /// The LASTIMPORT value written once `versions` were in Kafka; nil before any window.
    private(set) var lastImport: String?
    private(set) var versions: Set<Version> = []

    init() {}

    /// The memory's use by `window`, which starts from the option value `lastImport`.
    func pass(for window: ImportWindow, from lastImport: String?, lookBack: Duration, capacity: Int = defaultCapacity) -> Pass {
        let applies = !window.isFullLoad && lastImport != nil && lastImport == self.lastImport
        return Pass(published: applies ? versions : [], nextStart: window.nextStart(lookBack: lookBack), capacity: capacity)
    }

    /// One window's pass: filters what it reads, and gathers the next window's memory.
    struct Pass: Sendable {
        /// Versions in Kafka that this window may skip.
        private let published: Set<Version>
        /// The next window reads from here; older versions are not remembered.
        let nextStart: Date
        let capacity: Int
        private(set) var remembered: Set<Version> = []
        /// Records read and not published again.
        private(set) var skipped = 0

        fileprivate init(published: Set<Version>, nextStart: Date, capacity: Int) {
            self.published = published
            self.nextStart = nextStart
            self.capacity = capacity
        }

        /// The records of `records` to publish: all but those already published as
        /// `operation`. Those the next window reads again, skipped or not, are remembered.
        mutating func unpublished(_ records: [CRMRecord], as operation: Envelope.Operation) -> [CRMRecord] {
            var fresh: [CRMRecord] = []
            fresh.reserveCapacity(records.count)
            for record in records {
                let version = Version(operation: operation, id: record.id, modifiedAt: record.modifiedAt)
                if record.modifiedAt >= nextStart, remembered.count < capacity {
                    remembered.insert(version)
                }
                if published.contains(version) {
                    skipped += 1
                } else {
                    fresh.append(record)
                }
            }
            return fresh
        }

        /// The next window's memory. Only once every record of this window is acknowledged
        /// by the broker and `lastImport`, this window's end, is written.
        func memory(after lastImport: String) -> OverlapMemory {
            var memory = OverlapMemory()
            memory.lastImport = lastImport
            memory.versions = remembered
            return memory
        }
    }
}
