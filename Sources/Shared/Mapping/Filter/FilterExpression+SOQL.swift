/// Translation to a Salesforce SOQL `WHERE` condition (without the `WHERE` keyword).
extension FilterExpression {
    public var soql: String {
        switch self {
        case .and(let children):
            children.map(\.soqlGrouped).joined(separator: " AND ")
        case .or(let children):
            children.map(\.soqlGrouped).joined(separator: " OR ")
        case .not(let inner):
            "NOT (" + inner.soql + ")"
        case .comparison(let left, let comparison, let right):
            left.soql + " " + comparison.soql + " " + right.soql
        case .function(let name, let arguments):
            Self.soqlFunction(name, arguments)
        }
    }

    private var soqlGrouped: String {
        switch self {
        case .and, .or: "(" + soql + ")"
        default: soql
        }
    }

    private static func soqlFunction(_ name: String, _ arguments: [FilterOperand]) -> String {
        if name.lowercased() == "startswith", arguments.count == 2, case .literal(.string(let prefix)) = arguments[1] {
            return arguments[0].soql + " LIKE " + SOQLLiteral.likePrefix(prefix)
        }
        // Not reachable for validated filters; rendered so nothing is silently dropped.
        return name + "(" + arguments.map(\.soql).joined(separator: ", ") + ")"
    }
}

extension FilterOperand {
    public var soql: String {
        switch self {
        case .field(let path):
            path.joined(separator: ".")
        case .literal(let literal):
            literal.soql
        case .function(let name, let arguments):
            name + "(" + arguments.map(\.soql).joined(separator: ", ") + ")"
        }
    }
}

extension FilterLiteral {
    public var soql: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .number(let text): text
        case .date(let value): value.dateString
        case .dateTime(let value): value.utcString
        case .string(let text): SOQLLiteral.string(text)
        }
    }
}
