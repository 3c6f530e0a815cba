import CoreValues

/// Builds a `FilterExpression` from tokens. Syntax problems stop the parse; a level
/// mixing `and` and `or` is reported (rule `mixed-operators`) and parsing goes on, so the
/// other rules can be checked too.
struct FilterParser {
    /// Deeper nesting than this is refused rather than risking the stack.
    static let maximumDepth = 64

    private let tokens: [FilterToken]
    private let textLength: Int
    private var index = 0
    private(set) var problems: [FilterProblem] = []

    init(tokens: [FilterToken], textLength: Int) {
        self.tokens = tokens
        self.textLength = textLength
    }

    mutating func parse() throws(FilterProblem) -> FilterExpression {
        guard !tokens.isEmpty else {
            throw FilterProblem(.syntax, "the filter is empty")
        }
        let expression = try level(depth: 0)
        if let extra = peek() {
            let hint = extra.kind == .rightParenthesis ? " (a ')' without its '(')" : ""
            throw FilterProblem(.syntax, "unexpected \(shown(extra.text)) at position \(extra.position)\(hint)")
        }
        return expression
    }

    private enum Connector: Equatable {
        case and, or
    }

    private mutating func level(depth: Int) throws(FilterProblem) -> FilterExpression {
        var terms = [try term(depth: depth)]
        var connector: Connector?
        var reportedMix = false
        while let token = peek(), token.kind == .and || token.kind == .or {
            index += 1
            let this: Connector = token.kind == .and ? .and : .or
            if let connector, connector != this, !reportedMix {
                reportedMix = true
                problems.append(FilterProblem(
                    .mixedOperators,
                    "'\(token.text)' at position \(token.position) follows '\(connector == .and ? "and" : "or")' "
                        + "at the same level; use one operator per level and parentheses, "
                        + "e.g. (a eq 1 and b eq 2) or c eq 3"))
            }
            connector = connector ?? this
            terms.append(try term(depth: depth))
        }
        guard terms.count > 1 else {
            return terms[0]
        }
        return connector == .or ? .or(terms) : .and(terms)
    }

    private mutating func term(depth: Int) throws(FilterProblem) -> FilterExpression {
        guard depth < Self.maximumDepth else {
            throw FilterProblem(.syntax, "the filter nests deeper than \(Self.maximumDepth) levels")
        }
        guard let token = peek() else {
            throw endOfText(expecting: "a comparison")
        }
        switch token.kind {
        case .not:
            index += 1
            return .not(try term(depth: depth + 1))
        case .leftParenthesis:
            index += 1
            let inner = try level(depth: depth + 1)
            try expect(.rightParenthesis, "')' to close the '(' at position \(token.position)")
            return inner
        default:
            break
        }
        let left = try operand(depth: depth)
        if let next = peek(), case .comparison(let comparison) = next.kind {
            index += 1
            let right = try operand(depth: depth)
            return .comparison(left, comparison, right)
        }
        if case .function(let name, let arguments) = left {
            return .function(name: name, arguments: arguments)
        }
        guard let next = peek() else {
            throw endOfText(expecting: "a comparison operator (eq, ne, gt, ge, lt, le) after \(shown(token.text))")
        }
        throw FilterProblem(
            .syntax,
            "expected a comparison operator (eq, ne, gt, ge, lt, le) at position \(next.position), "
                + "found \(shown(next.text))")
    }

    private mutating func operand(depth: Int) throws(FilterProblem) -> FilterOperand {
        guard depth < Self.maximumDepth else {
            throw FilterProblem(.syntax, "the filter nests deeper than \(Self.maximumDepth) levels")
        }
        guard let token = peek() else {
            throw endOfText(expecting: "a field name or a value")
        }
        index += 1
        switch token.kind {
        case .literal(let literal):
            return .literal(literal)
        case .field(let path):
            guard peek()?.kind == .leftParenthesis else {
                return .field(path)
            }
            index += 1
            var arguments: [FilterOperand] = []
            if peek()?.kind != .rightParenthesis {
                repeat {
                    arguments.append(try operand(depth: depth + 1))
                } while consume(.comma)
            }
            try expect(.rightParenthesis, "')' to close the arguments of \(token.text)")
            return .function(name: path.joined(separator: "/"), arguments: arguments)
        default:
            throw FilterProblem(
                .syntax, "expected a field name or a value at position \(token.position), found \(shown(token.text))")
        }
    }

    private func peek() -> FilterToken? {
        index < tokens.count ? tokens[index] : nil
    }

    private mutating func consume(_ kind: FilterToken.Kind) -> Bool {
        guard peek()?.kind == kind else {
            return false
        }
        index += 1
        return true
    }

    private mutating func expect(_ kind: FilterToken.Kind, _ what: String) throws(FilterProblem) {
        guard let token = peek() else {
            throw endOfText(expecting: what)
        }
        guard token.kind == kind else {
            throw FilterProblem(.syntax, "expected \(what) at position \(token.position), found \(shown(token.text))")
        }
        index += 1
    }

    private func endOfText(expecting what: String) -> FilterProblem {
        FilterProblem(.syntax, "the filter ends early at position \(textLength + 1): expected \(what)")
    }
}
