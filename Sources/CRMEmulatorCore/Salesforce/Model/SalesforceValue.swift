/// One field value of a record, typed the way SOQL compares it.
enum SalesforceValue: Sendable, Hashable {
    case null
    case string(String)
    case boolean(Bool)
    case integer(Int)
    case double(Double)
    /// Days since 1970-01-01.
    case date(Int)
    /// Milliseconds since 1970-01-01T00:00:00Z.
    case dateTime(Int64)

    var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var booleanValue: Bool? {
        if case .boolean(let flag) = self { return flag }
        return nil
    }

    var dateTimeValue: Int64? {
        if case .dateTime(let milliseconds) = self { return milliseconds }
        return nil
    }

    /// Numbers compare across integer and double.
    var numericValue: Double? {
        switch self {
        case .integer(let number): Double(number)
        case .double(let number): number
        default: nil
        }
    }
}

/// Case-insensitive text comparison, as SOQL compares strings: an ASCII fast
/// path without allocation, `lowercased()` once something else shows up.
enum SalesforceText {
    static func compareIgnoringCase(_ left: String, _ right: String) -> Int {
        var left = left
        var right = right
        let fast: Int? = left.withUTF8 { a in
            right.withUTF8 { b in
                let count = min(a.count, b.count)
                for index in 0..<count {
                    let x = a[index]
                    let y = b[index]
                    if x >= 0x80 || y >= 0x80 { return nil }
                    let lx = x >= 65 && x <= 90 ? x + 32 : x
                    let ly = y >= 65 && y <= 90 ? y + 32 : y
                    if lx != ly { return lx < ly ? -1 : 1 }
                }
                return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
            }
        }
        if let fast { return fast }
        let a = left.lowercased()
        let b = right.lowercased()
        return a == b ? 0 : (a < b ? -1 : 1)
    }

    static func equalIgnoringCase(_ left: String, _ right: String) -> Bool {
        compareIgnoringCase(left, right) == 0
    }

    static func compareExactly(_ left: String, _ right: String) -> Int {
        left == right ? 0 : (left < right ? -1 : 1)
    }
}
