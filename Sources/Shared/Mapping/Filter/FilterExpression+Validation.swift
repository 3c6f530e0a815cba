import CoreValues

extension FilterExpression {
    /// Parses and validates a filter; the failure lists every rule broken, each named.
    ///
    /// - Parameter allowStringComparisons: the entity's opt-in to quoted strings, with
    ///   `eq`, `ne` and `startswith(field,'text')` only.
    public static func parse(
        _ text: String, allowStringComparisons: Bool = false
    ) -> Result<FilterExpression, FilterError> {
        let tokens: [FilterToken]
        switch FilterLexer.tokens(text) {
        case .success(let lexed): tokens = lexed
        case .failure(let problem): return .failure(FilterError([problem]))
        }
        var parser = FilterParser(tokens: tokens, textLength: text.unicodeScalars.count)
        let expression: FilterExpression
        do {
            expression = try parser.parse()
        } catch {
            return .failure(FilterError(parser.problems + [error]))
        }
        let problems = parser.problems + expression.problems(allowStringComparisons: allowStringComparisons)
        return problems.isEmpty ? .success(expression) : .failure(FilterError(problems))
    }

    /// The rules this expression breaks (all of them, in reading order).
    public func problems(allowStringComparisons: Bool) -> [FilterProblem] {
        var validator = FilterValidator(allowStrings: allowStringComparisons)
        validator.check(self)
        return validator.problems
    }
}

private struct FilterValidator {
    let allowStrings: Bool
    var problems: [FilterProblem] = []

    init(allowStrings: Bool) {
        self.allowStrings = allowStrings
    }

    mutating func check(_ expression: FilterExpression) {
        switch expression {
        case .and(let children):
            for child in children {
                if case .not = child {
                    report(.andNot, "\(shown(child.text)) is a 'not' inside an 'and'; "
                        + "write the opposite comparison instead (e.g. ne for eq, lt for ge)")
                }
                check(child)
            }
        case .or(let children):
            children.forEach { check($0) }
        case .not(let inner):
            check(inner)
        case .comparison(let left, let comparison, let right):
            checkComparison(expression, left, comparison, right)
        case .function(let name, let arguments):
            checkFunction(name, arguments)
        }
    }

    private mutating func checkComparison(
        _ whole: FilterExpression, _ left: FilterOperand, _ comparison: FilterComparison, _ right: FilterOperand
    ) {
        let context = shown(whole.text)
        switch left {
        case .field(let path) where path.count > 1:
            report(.noJoins, "\(shown(path.joined(separator: "/"))) in \(context) goes through a relation; "
                + "filter on fields of the entity itself")
        case .field:
            break
        case .literal, .function:
            report(.leftSideNotSingleField, "the left side of \(context) must be one field of the entity")
        }
        switch right {
        case .literal(.null):
            if comparison != .eq && comparison != .ne {
                report(.nullOperatorNotAllowed, "\(context) compares null with \(comparison.rawValue); "
                    + "use eq null (is empty) or ne null (is not empty)")
            }
        case .literal(.number), .literal(.date), .literal(.dateTime), .literal(.bool):
            break
        case .literal(.string):
            if !allowStrings {
                report(.stringComparisonNotAllowed, "\(context) compares with a string; set "
                    + "allowStringComparisons: true on the entity to allow eq, ne and startswith")
            } else if comparison != .eq && comparison != .ne {
                report(.stringOperatorNotAllowed, "\(context) compares a string with \(comparison.rawValue); "
                    + "strings allow only eq, ne and startswith")
            }
        case .field, .function:
            report(.rightSideNotNullOrNumber, "the right side of \(context) must be null or a number "
                + "(dates and booleans count as numbers)")
        }
    }

    private mutating func checkFunction(_ name: String, _ arguments: [FilterOperand]) {
        let call = shown(FilterExpression.function(name: name, arguments: arguments).text)
        guard name.lowercased() == "startswith" else {
            report(.unsupportedFunction, "\(call) uses \(shown(name)); the only function is "
                + "startswith(field,'text')")
            return
        }
        guard arguments.count == 2, case .literal(.string) = arguments[1] else {
            report(.unsupportedFunction, "\(call) must be startswith(field,'text')")
            return
        }
        if !allowStrings {
            report(.stringComparisonNotAllowed, "\(call) compares with a string; set "
                + "allowStringComparisons: true on the entity to allow eq, ne and startswith")
        }
        switch arguments[0] {
        case .field(let path) where path.count > 1:
            report(.noJoins, "\(shown(path.joined(separator: "/"))) in \(call) goes through a relation; "
                + "filter on fields of the entity itself")
        case .field:
            break
        case .literal, .function:
            report(.leftSideNotSingleField, "the first argument of \(call) must be one field of the entity")
        }
    }

    private mutating func report(_ rule: FilterRule, _ message: String) {
        problems.append(FilterProblem(rule, message))
    }
}
