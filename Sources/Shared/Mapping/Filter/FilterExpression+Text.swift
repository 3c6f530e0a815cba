extension FilterExpression {
    /// The expression in the filter language itself (keywords lower-case, dates in UTC,
    /// strings quoted with doubled quotes), for messages: `statecode eq 0 and not (a eq null)`.
    public var text: String {
        switch self {
        case .and(let children): children.map(\.grouped).joined(separator: " and ")
        case .or(let children): children.map(\.grouped).joined(separator: " or ")
        case .not(let inner): "not (" + inner.text + ")"
        case .comparison(let left, let comparison, let right): left.text + " " + comparison.rawValue + " " + right.text
        case .function(let name, let arguments): FilterOperand.function(name: name, arguments: arguments).text
        }
    }

    private var grouped: String {
        switch self {
        case .and, .or: "(" + text + ")"
        default: text
        }
    }
}

extension FilterOperand {
    /// The operand in the filter language.
    public var text: String {
        switch self {
        case .field(let path): path.joined(separator: "/")
        case .literal(let literal): literal.text
        case .function(let name, let arguments): name + "(" + arguments.map(\.text).joined(separator: ",") + ")"
        }
    }
}

extension FilterLiteral {
    /// The literal in the filter language (`'O''Bryan'`, `2024-01-01T00:00:00Z`).
    public var text: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .number(let text): text
        case .date(let value): value.dateString
        case .dateTime(let value): value.utcString
        case .string(let text): "'" + text.replacing("'", with: "''") + "'"
        }
    }
}
