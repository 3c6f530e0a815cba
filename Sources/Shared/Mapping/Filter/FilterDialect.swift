/// The query languages a validated filter is translated to: Dynamics 365 Web API
/// `$filter` (not yet URL-encoded) and a Salesforce SOQL `WHERE` condition (without the
/// keyword). They differ only in spelling, so one walk serves both.
public struct FilterDialect: Sendable {
    var and: String
    var or: String
    var not: String
    /// Between the segments of a field path (a join: `parentcustomerid/name`).
    var pathSeparator: String
    var argumentSeparator: String
    var comparison: @Sendable (FilterComparison) -> String
    var string: @Sendable (String) -> String
    /// A boolean function used as a condition, when the language spells it otherwise.
    var condition: @Sendable (_ name: String, _ arguments: [FilterOperand]) -> String?
    var functionName: @Sendable (String) -> String

    public static let odata: FilterDialect = FilterDialect(
        and: "and", or: "or", not: "not", pathSeparator: "/", argumentSeparator: ",",
        comparison: \.rawValue, string: ODataLiteral.string, condition: { _, _ in nil }, functionName: { $0.lowercased() })

    public static let soql: FilterDialect = FilterDialect(
        and: "AND", or: "OR", not: "NOT", pathSeparator: ".", argumentSeparator: ", ",
        comparison: \.soql, string: SOQLLiteral.string,
        condition: { name, arguments in
            guard name.lowercased() == "startswith", arguments.count == 2,
                  case .literal(.string(let prefix)) = arguments[1] else { return nil }
            return FilterDialect.soql.render(arguments[0]) + " LIKE " + SOQLLiteral.likePrefix(prefix)
        },
        functionName: { $0 })

    public func render(_ expression: FilterExpression) -> String {
        switch expression {
        case .and(let children):
            children.map(grouped).joined(separator: " \(and) ")
        case .or(let children):
            children.map(grouped).joined(separator: " \(or) ")
        case .not(let inner):
            "\(not) (" + render(inner) + ")"
        case .comparison(let left, let operation, let right):
            render(left) + " " + comparison(operation) + " " + render(right)
        case .function(let name, let arguments):
            // Other functions are not reachable for validated filters; rendered as calls
            // so nothing is silently dropped.
            condition(name, arguments) ?? render(FilterOperand.function(name: name, arguments: arguments))
        }
    }

    public func render(_ operand: FilterOperand) -> String {
        switch operand {
        case .field(let path):
            path.joined(separator: pathSeparator)
        case .literal(let literal):
            render(literal)
        case .function(let name, let arguments):
            functionName(name) + "(" + arguments.map(render).joined(separator: argumentSeparator) + ")"
        }
    }

    public func render(_ literal: FilterLiteral) -> String {
        switch literal {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .number(let text): text
        case .date(let value): value.dateString
        case .dateTime(let value): value.utcString
        case .string(let text): string(text)
        }
    }

    private func grouped(_ expression: FilterExpression) -> String {
        switch expression {
        case .and, .or: "(" + render(expression) + ")"
        default: render(expression)
        }
    }
}

extension FilterExpression {
    /// The Dynamics 365 Web API `$filter` value (not yet URL-encoded).
    public var odata: String { FilterDialect.odata.render(self) }
    /// The Salesforce SOQL `WHERE` condition (without the keyword).
    public var soql: String { FilterDialect.soql.render(self) }
}
