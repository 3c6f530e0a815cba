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

    /// One date-time key: seeded date-times are whole seconds within two years, so no row
    /// is built. A bucket sort keeps the peak to the answer itself (4 bytes a row) plus one
    /// bucket: rows are counted by bucket of seconds, their numbers placed by bucket (in
    /// row order), then each bucket is sorted as packed integers (seconds << 32 | row
    /// number), which orders ties by row number, that is by id.
    private static func sortedByDateTime(_ base: DynamicsSeedBase, key: DynamicsSortKey) -> [UInt32] {
        let bucketShift: UInt64 = 14  // about 4.5 hours of seconds a bucket; 4,000 buckets over two years
        func rank(_ index: Int) -> UInt64 {
            let seconds = UInt64((base.dateTime(index, field: key.field) - dateFloor) / 1000)
            return key.descending ? UInt64(UInt32.max) - seconds : seconds
        }
        let bucketCount = Int(UInt64(UInt32.max) >> bucketShift) + 1
        var starts = [Int](repeating: 0, count: bucketCount + 1)
        for index in 0..<base.count { starts[Int(rank(index) >> bucketShift) + 1] += 1 }
        for bucket in 0..<bucketCount { starts[bucket + 1] += starts[bucket] }
        var order = [UInt32](repeating: 0, count: base.count)
        var next = starts
        for index in 0..<base.count {
            let bucket = Int(rank(index) >> bucketShift)
            order[next[bucket]] = UInt32(index)
            next[bucket] += 1
        }
        var packed: [UInt64] = []
        for bucket in 0..<bucketCount where starts[bucket + 1] - starts[bucket] > 1 {
            packed.removeAll(keepingCapacity: true)
            for position in starts[bucket]..<starts[bucket + 1] {
                let index = order[position]
                packed.append(rank(Int(index)) << 32 | UInt64(index))
            }
            packed.sort()
            for (offset, value) in packed.enumerated() { order[starts[bucket] + offset] = UInt32(truncatingIfNeeded: value) }
        }
        return order
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
