import Foundation

/// A lookup value: the referenced record and its table's logical name.
public struct DynamicsLookup: Sendable, Equatable {
    public var id: UUID
    public var entity: String

    public init(id: UUID, entity: String) {
        self.id = id
        self.entity = entity
    }
}

/// One column value of a stored record. Date-times are milliseconds since 1970 (UTC),
/// dates are days since 1970-01-01.
public enum DynamicsValue: Sendable, Equatable {
    case null
    case string(String)
    case integer(Int)
    case decimal(Double)
    case boolean(Bool)
    case guid(UUID)
    case dateTime(Int64)
    case date(Int32)
    case lookup(DynamicsLookup)

    var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// Total order used by `$orderby` and keyset paging: null first, strings compared
    /// without case (Dataverse's SQL collation), GUIDs by their bytes.
    static func compare(_ a: DynamicsValue, _ b: DynamicsValue) -> Int {
        switch (a, b) {
        case (.null, .null): return 0
        case (.null, _): return -1
        case (_, .null): return 1
        case let (.string(x), .string(y)): return compareStrings(x, y)
        case let (.integer(x), .integer(y)): return x < y ? -1 : (x == y ? 0 : 1)
        case let (.decimal(x), .decimal(y)): return x < y ? -1 : (x == y ? 0 : 1)
        case let (.integer(x), .decimal(y)): return Double(x) < y ? -1 : (Double(x) == y ? 0 : 1)
        case let (.decimal(x), .integer(y)): return x < Double(y) ? -1 : (x == Double(y) ? 0 : 1)
        case let (.boolean(x), .boolean(y)): return x == y ? 0 : (x ? 1 : -1)
        case let (.guid(x), .guid(y)): return compareUUIDs(x, y)
        case let (.dateTime(x), .dateTime(y)): return x < y ? -1 : (x == y ? 0 : 1)
        case let (.date(x), .date(y)): return x < y ? -1 : (x == y ? 0 : 1)
        case let (.date(x), .dateTime(y)): return compare(.dateTime(Int64(x) * 86_400_000), .dateTime(y))
        case let (.dateTime(x), .date(y)): return compare(.dateTime(x), .dateTime(Int64(y) * 86_400_000))
        case let (.lookup(x), .lookup(y)): return compareUUIDs(x.id, y.id)
        case let (.lookup(x), .guid(y)): return compareUUIDs(x.id, y)
        case let (.guid(x), .lookup(y)): return compareUUIDs(x, y.id)
        default: return rank(a) < rank(b) ? -1 : (rank(a) == rank(b) ? 0 : 1)
        }
    }

    private static func rank(_ value: DynamicsValue) -> Int {
        switch value {
        case .null: 0
        case .boolean: 1
        case .integer, .decimal: 2
        case .date, .dateTime: 3
        case .string: 4
        case .guid, .lookup: 5
        }
    }

    static func compareStrings(_ x: String, _ y: String) -> Int {
        if x == y { return 0 }
        var left = x.utf8.makeIterator()
        var right = y.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case let (l?, r?):
                let a = lowerASCII(l), b = lowerASCII(r)
                if a != b { return a < b ? -1 : 1 }
            }
        }
    }

    @inline(__always) static func lowerASCII(_ byte: UInt8) -> UInt8 {
        (65...90).contains(byte) ? byte + 32 : byte
    }

    static func compareUUIDs(_ x: UUID, _ y: UUID) -> Int {
        withUnsafeBytes(of: x.uuid) { a in
            withUnsafeBytes(of: y.uuid) { b in
                for index in 0..<16 where a[index] != b[index] {
                    return a[index] < b[index] ? -1 : 1
                }
                return 0
            }
        }
    }
}

extension UUID {
    /// Lowercase, as Dataverse writes GUIDs.
    var dynamicsString: String { uuidString.lowercased() }
}
