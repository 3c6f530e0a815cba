/// Translation to a Dynamics 365 Web API `$filter` value (not yet URL-encoded).
extension FilterExpression {
    public var odata: String {
        switch self {
        case .and(let children):
            children.map(\.odataGrouped).joined(separator: " and ")
        case .or(let children):
            children.map(\.odataGrouped).joined(separator: " or ")
        case .not(let inner):
            "not (" + inner.odata + ")"
        case .comparison(let left, let comparison, let right):
            left.odata + " " + comparison.rawValue + " " + right.odata
        case .function(let name, let arguments):
            FilterOperand.function(name: name, arguments: arguments).odata
        }
    }

    private var odataGrouped: String {
        switch self {
        case .and, .or: "(" + odata + ")"
        default: odata
        }
    }
}

extension FilterOperand {
    public var odata: String {
        switch self {
        case .field(let path):
            path.joined(separator: "/")
        case .literal(let literal):
            literal.odata
        case .function(let name, let arguments):
            name.lowercased() + "(" + arguments.map(\.odata).joined(separator: ",") + ")"
        }
    }
}

extension FilterLiteral {
    public var odata: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .number(let text): text
        case .date(let value): value.dateString
        case .dateTime(let value): value.utcString
        case .string(let text): ODataLiteral.string(text)
        }
    }
}
