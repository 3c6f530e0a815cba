/// Open query cursors. Like the platform, only a few stay open per user: when
/// a new one would exceed the cap the least recently used goes (finished ones
/// first), and idle ones expire.
struct SalesforceCursorStore: Sendable {
    private var cursors: [String: SalesforceQueryCursor] = [:]
    private var sequence = 0
    let capacity: Int
    let idleTimeout: Int64

    init(capacity: Int, idleTimeout: Int64) {
        self.capacity = max(1, capacity)
        self.idleTimeout = idleTimeout
    }

    var count: Int { cursors.count }

    mutating func open(schema: SalesforceObjectSchema, fields: [Int], rows: [SalesforceRecord],
                       batchSize: Int, isQueryAll: Bool, now: Int64) -> String {
        cursors = cursors.filter { now - $0.value.lastUsed < idleTimeout }
        while cursors.count >= capacity, let victim = victim() { cursors[victim] = nil }
        sequence += 1
        let id = SalesforceID.make(prefix: "01g", sequence: sequence)
        cursors[id] = SalesforceQueryCursor(id: id, schema: schema, fields: fields, rows: rows, batchSize: batchSize,
                                            isQueryAll: isQueryAll, lastUsed: now)
        return id
    }

    /// The cursor, marked used; nil when unknown or expired.
    mutating func use(_ id: String, now: Int64, finishing: (SalesforceQueryCursor) -> Bool) -> SalesforceQueryCursor? {
        guard var cursor = cursors[id] else { return nil }
        guard now - cursor.lastUsed < idleTimeout else {
            cursors[id] = nil
            return nil
        }
        cursor.lastUsed = now
        if finishing(cursor) { cursor.isFinished = true }
        cursors[id] = cursor
        return cursor
    }

    mutating func removeAll() { cursors.removeAll() }

    private func victim() -> String? {
        let finished = cursors.values.filter(\.isFinished)
        let pool = finished.isEmpty ? Array(cursors.values) : finished
        return pool.min { $0.lastUsed < $1.lastUsed }?.id
    }
}
