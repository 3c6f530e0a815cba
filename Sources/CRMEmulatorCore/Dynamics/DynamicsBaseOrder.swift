import Foundation

/// The seeded rows of a table sorted by `$orderby` keys (then id, which is row order),
/// as row numbers: 4 bytes a row. Built on the first read in that order after a seeding.
enum DynamicsBaseOrder {
    /// The first date-time a seeded row can have, a little before the seeder's range.
    static let dateFloor = DynamicsSeeder.anchor - 732 * 86_400_000

    static func sorted(_ base: DynamicsSeedBase, by keys: [DynamicsSortKey]) -> [UInt32] {
        if keys.count == 1, case .dateTime = base.definition.fields[keys[0].field].type {
            return sortedByDateTime(base, key: keys[0])
        }
        return sortedByValues(base, keys: keys)
    }

    /// One date-time key: seeded date-times are whole seconds within two years, so each
    /// row packs into one integer (seconds << 32 | row number) and the sort is a plain
    /// integer sort — 15 million rows in a few seconds, with no row built.
    private static func sortedByDateTime(_ base: DynamicsSeedBase, key: DynamicsSortKey) -> [UInt32] {
        var packed = [UInt64](repeating: 0, count: base.count)
        packed.withUnsafeMutableBufferPointer { buffer in
            for index in 0..<buffer.count {
                let seconds = UInt64((base.dateTime(index, field: key.field) - dateFloor) / 1000)
                let rank = key.descending ? UInt64(UInt32.max) - seconds : seconds
                buffer[index] = rank << 32 | UInt64(index)
            }
            buffer.sort()
        }
        return packed.map { UInt32(truncatingIfNeeded: $0) }
    }

    /// Any other keys: every row is built once for its key values. Fine for the tables
    /// tests and demos seed; slow for millions of rows.
    private static func sortedByValues(_ base: DynamicsSeedBase, keys: [DynamicsSortKey]) -> [UInt32] {
        let values: [[DynamicsValue]] = (0..<base.count).map { index in
            let record = base.record(index)
            return keys.map { record[$0.field] }
        }
        var order = (0..<base.count).map { UInt32($0) }
        order.sort { a, b in
            for (position, key) in keys.enumerated() {
                let c = DynamicsValue.compare(values[Int(a)][position], values[Int(b)][position])
                if c != 0 { return (key.descending ? -c : c) < 0 }
            }
            return a < b
        }
        return order
    }
}
