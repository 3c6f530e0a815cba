/// ORDER BY for large results: each key is extracted once per row into a
/// primitive column (integers for datetimes, dates, booleans and the row's
/// own `Id`; doubles for numbers; lowercased text), then row numbers are
/// sorted, so comparisons never touch enums, retain strings or fold case.
struct SOQLSorter {
    private enum Column {
        case integers([Int64?])
        case doubles([Double?])
        case strings([String?])
    }

    private struct Key {
        let column: Column
        let descending: Bool
        let nullsFirst: Bool
    }

    private let keys: [Key]

    /// `positions` are rows of `table`; table order is id order (ids are handed
    /// out ascending and rows appended), so `Id` sorts by position.
    init(ordering: SOQLOrdering, table: SalesforceTable, positions: [Int]) {
        keys = ordering.keys.map { key in
            let column: Column
            switch key.kind {
            case .id where key.field == SalesforceObjectSchema.idIndex:
                column = .integers(positions.map { Int64($0) })
            case .id:
                column = .strings(positions.map { table.records[$0][key.field].stringValue })
            case .text:
                column = .strings(positions.map { table.records[$0][key.field].stringValue?.lowercased() })
            case .number:
                column = .doubles(positions.map { table.records[$0][key.field].numericValue })
            case .boolean, .date, .dateTime:
                column = .integers(positions.map { Self.integer(table.records[$0][key.field]) })
            }
            return Key(column: column, descending: key.descending, nullsFirst: key.nullsFirst)
        }
    }

    /// Row numbers (indices into `positions`) in ORDER BY order.
    func sortedRowNumbers(count: Int) -> [Int] {
        Array(0..<count).sorted { a, b in
            for key in keys {
                let order: Int
                switch key.column {
                case .integers(let values): order = Self.compare(values[a], values[b], key)
                case .doubles(let values): order = Self.compare(values[a], values[b], key)
                case .strings(let values): order = Self.compare(values[a], values[b], key)
                }
                if order != 0 { return order < 0 }
            }
            return a < b
        }
    }

    @inline(__always)
    private static func compare<T: Comparable>(_ a: T?, _ b: T?, _ key: Key) -> Int {
        switch (a, b) {
        case (nil, nil): return 0
        case (nil, _): return key.nullsFirst ? -1 : 1
        case (_, nil): return key.nullsFirst ? 1 : -1
        case let (x?, y?):
            if x == y { return 0 }
            return (x < y) != key.descending ? -1 : 1
        }
    }

    private static func integer(_ value: SalesforceValue) -> Int64? {
        switch value {
        case .boolean(let flag): flag ? 1 : 0
        case .date(let days): Int64(days)
        case .dateTime(let milliseconds): milliseconds
        default: nil
        }
    }
}
