import Foundation

extension DynamicsOrganization {
    /// What a `mutate` call did.
    struct MutateResult: Codable {
        var entity: String
        var changed: Int
        var deleted: Int
        var count: Int
    }

    /// Changes a share of the seeded rows and deletes another, as other CRM users would
    /// between two loads: each seeded row draws a number from the seed, the row number and
    /// the call's round, so the picks are deterministic, disjoint and differ from call to
    /// call. Changed rows get a new `modifiedon` (now) and version (`DynamicsMutation`);
    /// deleted rows leave tombstones for change tracking. Rows created through the API are
    /// not picked. Validation rules do not apply (the admin stands for the CRM's own users).
    mutating func mutate(set: String, change: Double, delete: Double, now: Int64) throws(DynamicsError) -> MutateResult {
        // Only the seed base is kept aside: a local copy of the table would make the first
        // write below copy all of it.
        guard let base = tables[set]?.base, let rounds = tables[set]?.mutationRounds else { throw .segmentNotFound(set) }
        let round = UInt64(rounds + 1)
        let seeded = base.count
        let seed = base.randomSeed ^ StableHash.fnv1a(set)
        tables[set]?.mutationRounds += 1
        var result = MutateResult(entity: set, changed: 0, deleted: 0, count: 0)
        for index in 0..<seeded {
            let draw = Double(SplitMix64.mix(seed ^ round << 40 ^ UInt64(index) &* SplitMix64.golden) >> 11) / Double(1 << 53)
            guard draw < delete + change, tables[set]?.hasSeededRow(index) == true else { continue }
            let version = nextVersion()
            if draw < delete {
                if tables[set]?.remove(id: base.id(index), version: version, at: now) != nil { result.deleted += 1 }
            } else if tables[set]?.mutate(index, version: version, at: now) == true {
                result.changed += 1
            }
        }
        trimTombstones(now: now)
        result.count = tables[set]?.count ?? 0
        return result
    }
}
