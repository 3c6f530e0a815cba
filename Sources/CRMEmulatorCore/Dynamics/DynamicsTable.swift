import Foundation

/// The rows of one table, kept sorted by id (the default order and the last keyset key),
/// with unique indexes for alternate keys, a tombstone list and cached sorted views for
/// `$orderby` (dropped on every write).
struct DynamicsTable: Sendable {
    let definition: DynamicsEntityDefinition
    private(set) var records: [DynamicsRecord] = []
    private(set) var tombstones: [DynamicsTombstone] = []
    private var keyIndexes: [String: [String: UUID]] = [:]
    private var sortCache: [[DynamicsSortKey]: [DynamicsRecord]] = [:]
    /// How many seeded rows this table has had; the next seeded row continues from here.
    var seededCount = 0

    init(definition: DynamicsEntityDefinition) {
        self.definition = definition
        for name in definition.alternateKeys.keys { keyIndexes[name] = [:] }
    }

    var count: Int { records.count }

    /// Binary search by id.
    func position(of id: UUID) -> (found: Bool, index: Int) {
        var low = 0
        var high = records.count
        while low < high {
            let mid = (low + high) / 2
            let c = DynamicsValue.compareUUIDs(records[mid].id, id)
            if c == 0 { return (true, mid) }
            if c < 0 { low = mid + 1 } else { high = mid }
        }
        return (false, low)
    }

    func record(id: UUID) -> DynamicsRecord? {
        let (found, index) = position(of: id)
        return found ? records[index] : nil
    }

    /// The id of the row whose alternate key `name` has these values.
    func id(alternateKey name: String, values: [DynamicsValue]) -> UUID? {
        keyIndexes[name]?[Self.normalizedKey(values)]
    }

    /// The alternate key a row would violate (taken by another row), if any.
    func conflictingKey(for record: DynamicsRecord) -> (name: String, columns: [String], values: [DynamicsValue])? {
        for (name, columns) in definition.alternateKeys.sorted(by: { $0.key < $1.key }) {
            let values = columns.compactMap { definition.fieldIndex[$0] }.map { record[$0] }
            guard !values.contains(where: \.isNull) else { continue }
            if let owner = keyIndexes[name]?[Self.normalizedKey(values)], owner != record.id {
                return (name, columns, values)
            }
        }
        return nil
    }

    /// Inserts or replaces the row with this id; callers check `conflictingKey` first.
    mutating func store(_ record: DynamicsRecord) {
        sortCache.removeAll()
        let (found, index) = position(of: record.id)
        if found {
            unindex(records[index])
            records[index] = record
        } else {
            records.insert(record, at: index)
            tombstones.removeAll { $0.id == record.id }
        }
        addToIndexes(record)
    }

    /// Appends many rows with ids known to be new (seeding), then re-sorts once.
    mutating func storeNew(_ batch: [DynamicsRecord]) {
        sortCache.removeAll()
        records.append(contentsOf: batch)
        records.sort { DynamicsValue.compareUUIDs($0.id, $1.id) < 0 }
        for record in batch { addToIndexes(record) }
    }

    @discardableResult
    mutating func remove(id: UUID, version: Int64, at time: Int64) -> DynamicsRecord? {
        let (found, index) = position(of: id)
        guard found else { return nil }
        sortCache.removeAll()
        let record = records.remove(at: index)
        unindex(record)
        tombstones.append(DynamicsTombstone(id: id, version: version, deletedAt: time))
        return record
    }

    mutating func removeAll() {
        sortCache.removeAll()
        records.removeAll()
        tombstones.removeAll()
        for name in keyIndexes.keys { keyIndexes[name] = [:] }
        seededCount = 0
    }

    /// Drops tombstones older than the retention cut-off.
    mutating func trimTombstones(deletedBefore cutoff: Int64) {
        if let first = tombstones.first, first.deletedAt < cutoff {
            tombstones.removeAll { $0.deletedAt < cutoff }
        }
    }

    /// The rows in `$orderby` order, ties broken by id (the keyset paging order).
    mutating func sorted(by keys: [DynamicsSortKey]) -> [DynamicsRecord] {
        if keys.isEmpty { return records }
        if let cached = sortCache[keys] { return cached }
        let rows = records.sorted { Self.compare($0, $1, keys) < 0 }
        sortCache[keys] = rows
        return rows
    }

    static func compare(_ a: DynamicsRecord, _ b: DynamicsRecord, _ keys: [DynamicsSortKey]) -> Int {
        for key in keys {
            let c = DynamicsValue.compare(a[key.field], b[key.field])
            if c != 0 { return key.descending ? -c : c }
        }
        return DynamicsValue.compareUUIDs(a.id, b.id)
    }

    private mutating func addToIndexes(_ record: DynamicsRecord) {
        for (name, columns) in definition.alternateKeys {
            let values = columns.compactMap { definition.fieldIndex[$0] }.map { record[$0] }
            guard !values.contains(where: \.isNull) else { continue }
            keyIndexes[name, default: [:]][Self.normalizedKey(values)] = record.id
        }
    }

    private mutating func unindex(_ record: DynamicsRecord) {
        for (name, columns) in definition.alternateKeys {
            let values = columns.compactMap { definition.fieldIndex[$0] }.map { record[$0] }
            let key = Self.normalizedKey(values)
            if keyIndexes[name]?[key] == record.id { keyIndexes[name]?[key] = nil }
        }
    }

    /// Key values compared as SQL Server does for a unique index: strings without case.
    private static func normalizedKey(_ values: [DynamicsValue]) -> String {
        values.map { value -> String in
            switch value {
            case .string(let text): "s" + text.lowercased()
            case .integer(let number): "n\(number)"
            case .decimal(let number): "n\(number)"
            case .boolean(let flag): flag ? "b1" : "b0"
            case .guid(let id): "g" + id.dynamicsString
            case .lookup(let lookup): "g" + lookup.id.dynamicsString
            case .dateTime(let ms): "t\(ms)"
            case .date(let days): "d\(days)"
            case .null: "-"
            }
        }.joined(separator: "\u{1F}")
    }
}
