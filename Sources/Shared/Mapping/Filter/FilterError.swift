/// The rules a filter must follow (SPEC §2.1). The raw values are stable identifiers,
/// shown in every message, so an operator can look a rule up in docs/configuration.md.
public enum FilterRule: String, Sendable, CaseIterable {
    /// The text is not a filter (unknown character, missing parenthesis…).
    case syntax
    /// `and` and `or` side by side at one level without parentheses.
    case mixedOperators = "mixed-operators"
    /// `not` directly under an `and`.
    case andNot = "and-not"
    /// A comparison's right side is neither null nor a number (dates, booleans count).
    case rightSideNotNullOrNumber = "right-side-not-null-or-number"
    /// A comparison's left side is not one field.
    case leftSideNotSingleField = "left-side-not-single-field"
    /// A field path through a relation (`a/b`, `a.b`).
    case noJoins = "no-joins"
    /// A quoted string while the entity does not set `allowStringComparisons: true`.
    case stringComparisonNotAllowed = "string-comparison-not-allowed"
    /// A string compared with something other than `eq` / `ne`.
    case stringOperatorNotAllowed = "string-operator-not-allowed"
    /// `null` compared with something other than `eq` (is empty) / `ne` (is not empty).
    case nullOperatorNotAllowed = "null-operator-not-allowed"
    /// A function other than `startswith(field,'text')`.
    case unsupportedFunction = "unsupported-function"
}

/// One broken rule (an `Error` too, for the parser's typed throws).
public struct FilterProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var rule: FilterRule
    public var message: String

    public init(_ rule: FilterRule, _ message: String) {
        self.rule = rule
        self.message = message
    }

    public var description: String { "\(rule.rawValue): \(message)" }
}

/// Every rule a filter breaks.
public struct FilterError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [FilterProblem]

    public init(_ problems: [FilterProblem]) {
        self.problems = problems
    }

    public var isRetriable: Bool { false }

    public var description: String {
        problems.map(\.description).joined(separator: "; ")
    }
}
