import Foundation

/// A seeded row changed by the admin `mutate` call, kept as what changed (a few bytes)
/// rather than as a record: its new version and `modifiedon`, and how many times it was
/// changed, from which its new contact details are generated.
struct DynamicsMutation: Sendable {
    var version: Int64
    var modifiedOn: Int64
    var generation: Int

    /// The row after the change: a new `emailaddress1` and `telephone1` when the table has
    /// them (else a suffix on the primary name), `modifiedon` and the version. Alternate-key
    /// columns are never touched.
    func apply(to record: inout DynamicsRecord, index: Int, definition: DynamicsEntityDefinition, randomSeed: UInt64) {
        record.version = version
        if let column = definition.versionNumberIndex { record[column] = .integer(Int(version)) }
        if let column = definition.modifiedOnIndex { record[column] = .dateTime(modifiedOn) }
        let keyColumns = Set(definition.alternateKeys.values.joined())
        var changed = false
        if let column = definition.fieldIndex["emailaddress1"], !keyColumns.contains("emailaddress1") {
            record[column] = .string("\(definition.logicalName).\(index + 1).v\(generation)@example.com")
            changed = true
        }
        if let column = definition.fieldIndex["telephone1"], !keyColumns.contains("telephone1") {
            let draw = SplitMix64.mix(randomSeed ^ UInt64(index) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(generation) << 40)
            record[column] = .string("+1 556 " + DynamicsSeeder.padded(Int(draw % 10_000), width: 4))
            changed = true
        }
        if !changed, let column = definition.fieldIndex[definition.primaryName], !keyColumns.contains(definition.primaryName),
           case .string(let name) = record[column] {
            record[column] = .string(name + " v\(generation)")
        }
    }
}
