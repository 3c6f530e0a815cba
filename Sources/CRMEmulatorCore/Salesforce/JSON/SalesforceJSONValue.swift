/// A parsed request body. Objects keep their key order (results follow the
/// request's order) and numbers keep whether they were written as integers.
indirect enum SalesforceJSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double, isInteger: Bool)
    case string(String)
    case array([SalesforceJSONValue])
    case object([(key: String, value: SalesforceJSONValue)])

    static func == (left: Self, right: Self) -> Bool {
        switch (left, right) {
        case (.null, .null): true
        case let (.bool(a), .bool(b)): a == b
        case let (.number(a, _), .number(b, _)): a == b
        case let (.string(a), .string(b)): a == b
        case let (.array(a), .array(b)): a == b
        case let (.object(a), .object(b)): a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    /// The first member named `key` (exact), for objects.
    subscript(key: String) -> SalesforceJSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    /// The JSON token type Jackson would name in a deserialisation error.
    var tokenName: String {
        switch self {
        case .null: "VALUE_NULL"
        case .bool(let flag): flag ? "VALUE_TRUE" : "VALUE_FALSE"
        case .number(_, let isInteger): isInteger ? "VALUE_NUMBER_INT" : "VALUE_NUMBER_FLOAT"
        case .string: "VALUE_STRING"
        case .array: "START_ARRAY"
        case .object: "START_OBJECT"
        }
    }

    var textForMessage: String {
        switch self {
        case .null: "null"
        case .bool(let flag): String(flag)
        case .number(let number, let isInteger): isInteger ? Int64(exactly: number).map { String($0) } ?? String(number) : String(number)
        case .string(let text): text
        case .array: "["
        case .object: "{"
        }
    }
}
