import KafkaBridge

/// The egress writer's polls whose CRM writes are in flight, oldest first. A poll is
/// committed only once it and every older poll were answered, so offsets are committed in
/// order and never past a message the CRM has not answered for.
///
/// Two polls in flight never name the same record: a key in two writes at once could be
/// applied in the wrong order (an export's update and delete) or created twice (two
/// upserts racing on one alternate key); re-delivered pages make such repeats common a
/// few thousand offsets apart. A poll that repeats a key in flight waits until the polls
/// that hold it are answered and committed (`mustSettle`). Free of Kafka and the CRM, so
/// that its rules are tested alone (`WritesInFlightTests`).
struct WritesInFlight<Write> {
    struct Entry {
        var write: Write
        /// The records the poll writes (`EgressWriter.keys`).
        var keys: Set<String>
        /// The next offset per partition once the poll is answered.
        var offsets: [KafkaTopicPartitionOffset]
    }

    /// Most polls in flight at once.
    let limit: Int
    private(set) var entries: [Entry] = []

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    var isEmpty: Bool { entries.isEmpty }
    var isFull: Bool { entries.count >= limit }

    /// How many of the oldest polls must be answered and committed before a poll writing
    /// `keys` may start: up to and including the newest one that names one of them.
    func mustSettle(before keys: Set<String>) -> Int {
        guard let last = entries.lastIndex(where: { !$0.keys.isDisjoint(with: keys) }) else { return 0 }
        return last + 1
    }

    mutating func add(_ write: Write, keys: Set<String>, offsets: [KafkaTopicPartitionOffset]) {
        precondition(mustSettle(before: keys) == 0, "a poll repeating a key in flight must wait for it")
        entries.append(Entry(write: write, keys: keys, offsets: offsets))
    }

    /// The oldest poll, taken out to be awaited and committed.
    mutating func removeOldest() -> Entry? {
        entries.isEmpty ? nil : entries.removeFirst()
    }

    /// Every poll, taken out (to cancel them when the writer stops).
    mutating func removeAll() -> [Entry] {
        defer { entries = [] }
        return entries
    }
}
