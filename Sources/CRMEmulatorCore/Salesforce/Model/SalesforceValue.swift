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
