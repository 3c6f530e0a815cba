import Foundation

/// The seeded rows of one table, held as a formula instead of as records: row `i` (its
/// id, columns and version) is a pure function of the random seed, the table, `i` and the
/// segment (one per seeding call) that added it. 15 million rows cost a few hundred bytes.
///
/// Seeded ids are sequential GUIDs, as Dataverse hands out (`NEWSEQUENTIALID`): two bytes
/// naming the table, the row number on four bytes, then random bytes. So the id order
/// (the default order and the last keyset key) is the row order, and an id gives back its
/// row number without an index.
struct DynamicsSeedBase: Sendable {
    /// The first target table with seeded rows at the time of seeding, and how many it had.
    struct LookupTarget: Sendable {
        var set: String
        var entity: String
        var count: Int
    }

    /// The rows one seeding call added: `start..<start + count`, with versions
    /// `firstVersion…` in row order.
    struct Segment: Sendable {
        var start: Int
        var count: Int
        var firstVersion: Int64
        var lookups: [Int: LookupTarget]
    }

    let definition: DynamicsEntityDefinition
    let set: String
    let randomSeed: UInt64
    private let sortedOptions: [[Int]]
    private let defaults: [DynamicsValue]
    private(set) var segments: [Segment] = []
    private(set) var count = 0

    init(definition: DynamicsEntityDefinition, randomSeed: UInt64) {
        self.definition = definition
        self.set = definition.entitySetName
        self.randomSeed = randomSeed
        sortedOptions = DynamicsSeeder.sortedOptions(definition)
        defaults = definition.fields.map(\.defaultValue)
    }

    mutating func append(count added: Int, firstVersion: Int64, lookups: [Int: LookupTarget]) {
        segments.append(Segment(start: count, count: added, firstVersion: firstVersion, lookups: lookups))
        count += added
    }

    /// The draws of row `index`, as the seeder has always taken them.
    static func random(set: String, randomSeed: UInt64, index: Int) -> DynamicsRandom {
        DynamicsRandom(seed: randomSeed &* 0x9E37_79B9 ^ StableHash.fnv1a(set) &+ UInt64(index) &* 0xD1B5_4A32_D192_ED03)
    }

    /// The two bytes every seeded id of a table starts with.
    static func tag(set: String, randomSeed: UInt64) -> UInt16 {
        UInt16(truncatingIfNeeded: SplitMix64.mix(StableHash.fnv1a(set) ^ randomSeed) >> 48)
    }

    /// The id of seeded row `index` of `set`; `random` is positioned after the id's draws.
    static func id(set: String, randomSeed: UInt64, index: Int, random: inout DynamicsRandom) -> UUID {
        var bytes = random.uuid().uuid
        let tag = Self.tag(set: set, randomSeed: randomSeed)
        let number = UInt32(truncatingIfNeeded: index)
        bytes.0 = UInt8(tag >> 8)
        bytes.1 = UInt8(truncatingIfNeeded: tag)
        bytes.2 = UInt8(number >> 24)
        bytes.3 = UInt8(truncatingIfNeeded: number >> 16)
        bytes.4 = UInt8(truncatingIfNeeded: number >> 8)
        bytes.5 = UInt8(truncatingIfNeeded: number)
        return UUID(uuid: bytes)
    }

    static func id(set: String, randomSeed: UInt64, index: Int) -> UUID {
        var random = Self.random(set: set, randomSeed: randomSeed, index: index)
        return id(set: set, randomSeed: randomSeed, index: index, random: &random)
    }

    func id(_ index: Int) -> UUID {
        Self.id(set: set, randomSeed: randomSeed, index: index)
    }

    /// The row number of a seeded id, nil when no seeded row has it.
    func index(of id: UUID) -> Int? {
        let bytes = id.uuid
        let tag = Self.tag(set: set, randomSeed: randomSeed)
        guard bytes.0 == UInt8(tag >> 8), bytes.1 == UInt8(truncatingIfNeeded: tag) else { return nil }
        let index = Int(bytes.2) << 24 | Int(bytes.3) << 16 | Int(bytes.4) << 8 | Int(bytes.5)
        guard index < count, self.id(index) == id else { return nil }
        return index
    }

    func segment(of index: Int) -> Segment {
        var low = 0
        var high = segments.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if segments[mid].start <= index { low = mid } else { high = mid - 1 }
        }
        return segments[low]
    }

    func version(_ index: Int) -> Int64 {
        let segment = segment(of: index)
        return segment.firstVersion + Int64(index - segment.start)
    }

    /// Seeded row `index`, generated.
    func record(_ index: Int) -> DynamicsRecord {
        let segment = segment(of: index)
        var random = Self.random(set: set, randomSeed: randomSeed, index: index)
        let id = Self.id(set: set, randomSeed: randomSeed, index: index, random: &random)
        let version = segment.firstVersion + Int64(index - segment.start)
        var record = DynamicsRecord(id: id, version: version, values: defaults)
        let seed = randomSeed
        DynamicsSeeder.fill(&record, index: index, entity: definition, sortedOptions: sortedOptions, random: &random) { position, random in
            guard let target = segment.lookups[position] else { return .null }
            let row = Int(random.next() % UInt64(target.count))
            return .lookup(DynamicsLookup(id: Self.id(set: target.set, randomSeed: seed, index: row), entity: target.entity))
        }
        if let column = definition.versionNumberIndex { record[column] = .integer(Int(version)) }
        return record
    }

    /// The value of a date-time column of row `index`, from the few draws it needs:
    /// `modifiedon` is the modification time, every other one the creation time.
    func dateTime(_ index: Int, field: Int) -> Int64 {
        var random = Self.random(set: set, randomSeed: randomSeed, index: index)
        let (created, modified) = DynamicsSeeder.timestamps(random: &random)
        return field == definition.modifiedOnIndex ? modified : created
    }

    /// The row a single-column alternate key names, when the column is a numbered one
    /// (`"<column> <n>"`): its row number from the value, checked against the row.
    func index(numberedKey column: Int, value: DynamicsValue) -> Int? {
        let field = definition.fields[column]
        guard case .string(let text) = value, !DynamicsSeeder.namedStringColumns.contains(field.name) else { return nil }
        let prefix = field.name + " "
        guard text.count > prefix.count, text.lowercased().hasPrefix(prefix.lowercased()),
              let number = Int(text.dropFirst(prefix.count)), number >= 1, number <= count else { return nil }
        guard case .string(let stored) = record(number - 1)[column], stored.lowercased() == text.lowercased() else { return nil }
        return number - 1
    }

    /// Whether a column's seeded values are all numbered ones (`"<column> <n>"`), so
    /// `index(numberedKey:)` finds every seeded row by it.
    func isNumbered(_ column: Int) -> Bool {
        let field = definition.fields[column]
        guard !DynamicsSeeder.namedStringColumns.contains(field.name), column != definition.primaryKeyIndex else { return false }
        switch field.type {
        case .string, .memo: return true
        default: return false
        }
    }
}
