import Foundation

/// The rows of one table: the seeded rows as a formula (`DynamicsSeedBase`), plus an
/// overlay of what changed since — rows written through the API (`records`, sorted by id,
/// with unique indexes for alternate keys), seeded rows changed by the admin `mutate`
/// call (`mutations`, a few bytes each), and a bit per seeded row that no longer reads as
/// generated (deleted, rewritten or mutated). Deletes leave tombstones for change tracking.
struct DynamicsTable: Sendable {
    let definition: DynamicsEntityDefinition
    private(set) var base: DynamicsSeedBase
    private var hidden = DynamicsBitSet()
    private var hiddenCount = 0
    private(set) var records: [DynamicsRecord] = []
    private(set) var mutations: [Int: DynamicsMutation] = [:]
    private(set) var tombstones: [DynamicsTombstone] = []
    private var tombstoned: Set<UUID> = []
    private var keyIndexes: [String: [String: UUID]] = [:]
    /// Seeded rows in `$orderby` order (row numbers), kept until the next seeding.
    private var baseOrders: [[DynamicsSortKey]: [UInt32]] = [:]
    /// Overlay rows in `$orderby` order, dropped on every write.
    private var overlayOrders: [[DynamicsSortKey]: [DynamicsOverlayRef]] = [:]
    /// How many `mutate` calls the table has had (each picks other rows).
    var mutationRounds = 0

    init(definition: DynamicsEntityDefinition, randomSeed: UInt64) {
        self.definition = definition
        base = DynamicsSeedBase(definition: definition, randomSeed: randomSeed)
        for name in definition.alternateKeys.keys { keyIndexes[name] = [:] }
    }

    /// How many rows this table has had seeded; the next seeded row continues from here.
    var seededCount: Int { base.count }

    var count: Int { base.count - hiddenCount + records.count + mutations.count }

    /// Binary search of the written rows by id.
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
        let (found, position) = position(of: id)
        if found { return records[position] }
        guard let index = base.index(of: id) else { return nil }
        return seededRecord(index)
    }

    /// Seeded row `index` as it reads now: generated, mutated, or nil when deleted or
    /// rewritten (then it is in `records`).
    func seededRecord(_ index: Int) -> DynamicsRecord? {
        if let mutation = mutations[index] { return mutated(index, mutation) }
        return hidden[index] ? nil : base.record(index)
    }

    func mutated(_ index: Int, _ mutation: DynamicsMutation) -> DynamicsRecord {
        var record = base.record(index)
        mutation.apply(to: &record, index: index, definition: definition, randomSeed: base.randomSeed)
        return record
    }

    func isGenerated(_ index: Int) -> Bool { !hidden[index] }

    /// Whether seeded row `index` still exists (as generated, mutated or rewritten).
    func hasSeededRow(_ index: Int) -> Bool {
        !hidden[index] || mutations[index] != nil || position(of: base.id(index)).found
    }

    /// The id of the row whose alternate key `name` has these values.
    func id(alternateKey name: String, values: [DynamicsValue]) -> UUID? {
        if let id = keyIndexes[name]?[Self.normalizedKey(values)] { return id }
        return seededIndex(alternateKey: name, values: values).map(base.id)
    }

    /// The seeded row (generated or mutated: a mutation keeps key columns) holding a key.
    private func seededIndex(alternateKey name: String, values: [DynamicsValue]) -> Int? {
        guard let columns = definition.alternateKeys[name], columns.count == 1, values.count == 1,
              let column = definition.fieldIndex[columns[0]], base.isNumbered(column),
              let index = base.index(numberedKey: column, value: values[0]) else { return nil }
        return hidden[index] && mutations[index] == nil ? nil : index
    }

    /// The alternate key a row would violate (taken by another row), if any.
    func conflictingKey(for record: DynamicsRecord) -> (name: String, columns: [String], values: [DynamicsValue])? {
        for (name, columns) in definition.alternateKeys.sorted(by: { $0.key < $1.key }) {
            let values = columns.compactMap { definition.fieldIndex[$0] }.map { record[$0] }
            guard !values.contains(where: \.isNull) else { continue }
            if let owner = id(alternateKey: name, values: values), owner != record.id {
                return (name, columns, values)
            }
        }
        return nil
    }

    /// Adds seeded rows (nothing is generated until read).
    mutating func seed(count: Int, firstVersion: Int64, lookups: [Int: DynamicsSeedBase.LookupTarget]) {
        base.append(count: count, firstVersion: firstVersion, lookups: lookups)
        baseOrders.removeAll()
        overlayOrders.removeAll()
    }

    /// Inserts or replaces the row with this id; callers check `conflictingKey` first.
    /// A seeded row written this way moves to `records`.
    mutating func store(_ record: DynamicsRecord) {
        overlayOrders.removeAll()
        let (found, position) = position(of: record.id)
        if found {
            unindex(records[position])
            records[position] = record
        } else {
            if let index = base.index(of: record.id) {
                if mutations.removeValue(forKey: index) == nil, hidden.insert(index) { hiddenCount += 1 }
            }
            records.insert(record, at: position)
            if tombstoned.remove(record.id) != nil { tombstones.removeAll { $0.id == record.id } }
        }
        addToIndexes(record)
    }

    @discardableResult
    mutating func remove(id: UUID, version: Int64, at time: Int64) -> DynamicsRecord? {
        let (found, position) = position(of: id)
        let removed: DynamicsRecord
        if found {
            removed = records.remove(at: position)
            unindex(removed)
        } else {
            guard let index = base.index(of: id), let record = seededRecord(index) else { return nil }
            if mutations.removeValue(forKey: index) == nil, hidden.insert(index) { hiddenCount += 1 }
            removed = record
        }
        overlayOrders.removeAll()
        tombstones.append(DynamicsTombstone(id: id, version: version, deletedAt: time))
        tombstoned.insert(id)
        return removed
    }

    /// Changes seeded row `index` as another CRM user would (`DynamicsMutation`); false
    /// when it is deleted. A row rewritten through the API is changed in `records`.
    mutating func mutate(_ index: Int, version: Int64, at time: Int64) -> Bool {
        overlayOrders.removeAll()
        if let current = mutations[index] {
            mutations[index] = DynamicsMutation(version: version, modifiedOn: time, generation: current.generation + 1)
            return true
        }
        if !hidden[index] {
            hidden.insert(index)
            hiddenCount += 1
            mutations[index] = DynamicsMutation(version: version, modifiedOn: time, generation: 1)
            return true
        }
        let (found, position) = position(of: base.id(index))
        guard found else { return false }
        var record = records[position]
        DynamicsMutation(version: version, modifiedOn: time, generation: Int(version))
            .apply(to: &record, index: index, definition: definition, randomSeed: base.randomSeed)
        records[position] = record
        return true
    }

    mutating func removeAll() {
        base = DynamicsSeedBase(definition: definition, randomSeed: base.randomSeed)
        hidden.removeAll()
        hiddenCount = 0
        records.removeAll()
        mutations.removeAll()
        tombstones.removeAll()
        tombstoned.removeAll()
        baseOrders.removeAll()
        overlayOrders.removeAll()
        for name in keyIndexes.keys { keyIndexes[name] = [:] }
        mutationRounds = 0
    }

    /// Drops tombstones older than the retention cut-off.
    mutating func trimTombstones(deletedBefore cutoff: Int64) {
        if let first = tombstones.first, first.deletedAt < cutoff {
            tombstones.removeAll { $0.deletedAt < cutoff }
            tombstoned = Set(tombstones.map(\.id))
        }
    }

    /// A read-only view of the rows in `$orderby` order, ties broken by id (the keyset
    /// paging order). Builds the sorted row numbers of the seeded rows once per order.
    mutating func view(orderedBy keys: [DynamicsSortKey]) -> DynamicsTableView {
        let keys = DynamicsTableView.effectiveKeys(keys, primaryKey: definition.primaryKeyIndex)
        var baseOrder: [UInt32]?
        if !keys.isEmpty {
            if let cached = baseOrders[keys] {
                baseOrder = cached
            } else {
                let order = DynamicsBaseOrder.sorted(base, by: keys)
                baseOrders[keys] = order
                baseOrder = order
            }
        }
        let overlayOrder: [DynamicsOverlayRef]
        if let cached = overlayOrders[keys] {
            overlayOrder = cached
        } else {
            overlayOrder = sortedOverlay(keys)
            overlayOrders[keys] = overlayOrder
        }
        return DynamicsTableView(table: self, keys: keys, baseOrder: baseOrder, overlayOrder: overlayOrder)
    }

    /// The overlay's rows (written and mutated), sorted by the keys then id.
    private func sortedOverlay(_ keys: [DynamicsSortKey]) -> [DynamicsOverlayRef] {
        var entries: [(ref: DynamicsOverlayRef, keys: [DynamicsValue], id: UUID)] = []
        entries.reserveCapacity(records.count + mutations.count)
        for (position, record) in records.enumerated() {
            entries.append((.record(position), keys.map { record[$0.field] }, record.id))
        }
        // The reader's order needs only `modifiedon`, which a mutation holds: no row built.
        let onlyModifiedOn = keys.allSatisfy { $0.field == definition.modifiedOnIndex }
        for (index, mutation) in mutations {
            if onlyModifiedOn {
                entries.append((.mutated(index), keys.map { _ in .dateTime(mutation.modifiedOn) }, base.id(index)))
            } else {
                let record = mutated(index, mutation)
                entries.append((.mutated(index), keys.map { record[$0.field] }, record.id))
            }
        }
        entries.sort { a, b in
            for (position, key) in keys.enumerated() {
                let c = DynamicsValue.compare(a.keys[position], b.keys[position])
                if c != 0 { return (key.descending ? -c : c) < 0 }
            }
            return DynamicsValue.compareUUIDs(a.id, b.id) < 0
        }
        return entries.map(\.ref)
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

/// An overlay row: a written record (its position in `records`) or a mutated seeded row.
enum DynamicsOverlayRef: Sendable {
    case record(Int)
    case mutated(Int)
}
