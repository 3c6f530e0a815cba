/// One field of a record as it travels in an envelope: a JSON scalar. Numbers keep their
/// literal text (see `JSONNumber`), so nothing is rounded on the way.
public enum FieldValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)

    /// The value as text, the way a replacement rule matches it and `copy` writes it:
    /// strings as they are, numbers as their literal, booleans as `true`/`false`;
    /// `nil` for null.
    public var text: String? {
        switch self {
        case .null: nil
        case .bool(let value): value ? "true" : "false"
        case .number(let number): number.text
        case .string(let string): string
        }
    }

    public var isNull: Bool { self == .null }

    /// A short name of the kind of value, for error messages (never the value itself).
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        }
    }
}

extension FieldValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral
{
    public init(nilLiteral: ()) {
        self = .null
    }

    public init(booleanLiteral value: Bool) {
        self = .bool(value)
    }

    public init(integerLiteral value: Int64) {
        self = .number(JSONNumber(value))
    }

    public init(floatLiteral value: Double) {
        self = JSONNumber(value).map(FieldValue.number) ?? .null
    }

    public init(stringLiteral value: String) {
        self = .string(value)
    }
}
