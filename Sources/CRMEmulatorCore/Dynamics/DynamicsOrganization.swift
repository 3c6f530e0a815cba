import Foundation

/// The in-memory organisation: every table, the organisation-wide change version (each
/// write takes the next one; it is the row version, the etag and the change-tracking
/// position), the change-tracking retention and the validation rules.
struct DynamicsOrganization: Sendable {
    var tables: [String: DynamicsTable]
    let setNames: [String: String]
    var version: Int64 = 0
    /// How long deletes and delta tokens stay valid, in milliseconds.
    var retentionMilliseconds: Int64
    var validationRules: [DynamicsValidationRule] = []

    init(entities: [DynamicsEntityDefinition], retention: Duration, randomSeed: UInt64) {
        var tables: [String: DynamicsTable] = [:]
        var setNames: [String: String] = [:]
        for entity in entities {
            tables[entity.entitySetName] = DynamicsTable(definition: entity, randomSeed: randomSeed)
            setNames[entity.logicalName] = entity.entitySetName
        }
        self.tables = tables
        self.setNames = setNames
        self.retentionMilliseconds = Self.milliseconds(retention)
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    mutating func nextVersion() -> Int64 {
        version += 1
        return version
    }

    func definition(set: String) throws(DynamicsError) -> DynamicsEntityDefinition {
        guard let table = tables[set] else { throw .segmentNotFound(set) }
        return table.definition
    }

    /// Resolves `set(<guid>)` or `set(key='value')` to an id, nil when no row has it.
    func resolve(_ key: DynamicsResourcePath.Key, in set: String) throws(DynamicsError) -> UUID? {
        guard let table = tables[set] else { throw .segmentNotFound(set) }
        switch key {
        case .id(let id):
            return table.record(id: id) == nil ? nil : id
        case .alternate(let pairs):
            let (name, values) = try alternateKey(pairs, in: table.definition)
            return table.id(alternateKey: name, values: values)
        }
    }

    /// The alternate key a `(col='v',…)` segment names, with typed values.
    func alternateKey(_ pairs: [(String, DynamicsKeyLiteral)], in entity: DynamicsEntityDefinition) throws(DynamicsError) -> (String, [DynamicsValue]) {
        let columns = Set(pairs.map(\.0))
        guard let (name, keyColumns) = entity.alternateKeys.first(where: { Set($0.value) == columns }), columns.count == pairs.count else {
            throw .badQuery("The key '\(pairs.map(\.0).joined(separator: ","))' is not defined as an alternate key on entity '\(entity.logicalName)'.")
        }
        var values: [DynamicsValue] = []
        for column in keyColumns {
            guard let literal = pairs.first(where: { $0.0 == column })?.1, let index = entity.fieldIndex[column],
                  let value = literal.value(for: entity.fields[index]) else {
                throw .badQuery("The value given for key column '\(column)' does not have the column's type.")
            }
            values.append(value)
        }
        return (name, values)
    }

    /// The primary name of a referenced row, for lookups' formatted values.
    func primaryName(of lookup: DynamicsLookup) -> String? {
        guard let set = setNames[lookup.entity], let table = tables[set],
              let record = table.record(id: lookup.id),
              let index = table.definition.fieldIndex[table.definition.primaryName],
              case .string(let name) = record[index] else { return nil }
        return name
    }

    /// Forgets tombstones older than the retention window.
    mutating func trimTombstones(now: Int64) {
        let cutoff = now - retentionMilliseconds
        for set in tables.keys { tables[set]?.trimTombstones(deletedBefore: cutoff) }
    }
}
