import Mapping

/// Renders a filter tree (`FilterExpression`, validated by the configuration) in a CRM's
/// query language: each connector owns its dialect (`CRMFilterRenderer.odata` for
/// Dynamics `$filter`, not yet URL-encoded; `.soql` for a Salesforce `WHERE` condition
/// without the keyword), with every string literal escaped for that language. The two
/// differ only in spelling, so one walk serves both. Negation is a node (`.not`), never
/// text wrapped around rendered text.
struct CRMFilterRenderer: Sendable {
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

    func render(_ expression: FilterExpression) -> String {
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

    func render(_ operand: FilterOperand) -> String {
        switch operand {
        case .field(let path):
            path.joined(separator: pathSeparator)
        case .literal(let literal):
            render(literal)
        case .function(let name, let arguments):
            functionName(name) + "(" + arguments.map(render).joined(separator: argumentSeparator) + ")"
        }
    }

    func render(_ literal: FilterLiteral) -> String {
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
