import CoreValues

/// Resolves names and type-checks literals the way the platform does, with
/// its error codes: `INVALID_FIELD` for unknown fields and mistyped literals,
/// `INVALID_QUERY_FILTER_OPERATOR` for operators a type does not support.
struct SOQLResolver {
    let query: String
    let schema: SalesforceObjectSchema
    let now: Int64

    func field(_ name: SOQLStatement.Name) throws(SOQLError) -> Int {
        if let index = schema.index(of: name.text) { return index }
        if let dot = name.text.firstIndex(of: ".") {
            throw .invalidField(
                "Didn't understand relationship '\(name.text[..<dot])' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.",
                at: name.offset, in: query)
        }
        throw .invalidField(
            "No such column '\(name.text)' on entity '\(schema.name)'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
            at: name.offset, in: query)
    }

    func predicate(_ condition: SOQLStatement.Condition) throws(SOQLError) -> SOQLPredicate {
        switch condition {
        case .and(let parts):
            var resolved: [SOQLPredicate] = []
            for part in parts { resolved.append(try predicate(part)) }
            return .all(resolved)
        case .or(let parts):
            var resolved: [SOQLPredicate] = []
            for part in parts { resolved.append(try predicate(part)) }
            return .any(resolved)
        case .not(let inner):
            return .not(try predicate(inner))
        case let .comparison(name, op, literal, offset):
            let index = try field(name)
            let fieldType = schema.fields[index].type
            guard let comparison = SOQLPredicate.Comparison(rawValue: op) else {
                throw .malformed("unexpected token: '\(op)'", at: offset, in: query)
            }
            // Ids order (`Id > '003…'` pages by id); booleans only compare for equality.
            if comparison != .equal && comparison != .notEqual && fieldType.kind == .boolean {
                throw .invalidOperator("invalid operator on boolean field", at: name.offset, in: query)
            }
            if case let .relativeDate(dateName, count) = literal {
                return try within(index, dateName, count, comparison, offset)
            }
            return .compare(field: index, comparison, try value(literal, for: index, at: offset), fieldType.kind)
        case let .inList(name, literals, negated, offset):
            let index = try field(name)
            var values: [SalesforceValue] = []
            for literal in literals { values.append(try value(literal, for: index, at: offset)) }
            return .oneOf(field: index, values, schema.fields[index].type.kind, negated: negated)
        case let .like(name, literal, offset):
            let index = try field(name)
            guard schema.fields[index].type.kind == .text else {
                throw .invalidOperator("invalid operator on \(typeName(index)) field", at: name.offset, in: query)
            }
            guard case .string(let body) = literal else {
                throw .invalidField(mistyped(index), at: offset, in: query)
            }
            return .like(field: index, SOQLLikePattern(literalBody: body))
        }
    }

    private func within(_ index: Int, _ name: String, _ count: Int?, _ comparison: SOQLPredicate.Comparison, _ offset: Int) throws(SOQLError) -> SOQLPredicate {
        let type = schema.fields[index].type
        guard type == .date || type == .dateTime else { throw .invalidField(mistyped(index), at: offset, in: query) }
        let day = CivilCalendar.millisecondsPerDay
        let today = CivilCalendar.startOfDay(now)
        let count = Int64(min(count ?? 0, 100_000))
        let bounds: (Int64, Int64) = switch name {
        case "YESTERDAY": (today - day, today)
        case "TOMORROW": (today + day, today + 2 * day)
        case "LAST_N_DAYS": (today - count * day, today + day)
        case "NEXT_N_DAYS": (today + day, today + day + count * day)
        default: (today, today + day)
        }
        return .within(field: index, lower: bounds.0, upper: bounds.1, comparison, isDateField: type == .date)
    }

    /// The literal as a value of the field's type, or the platform's complaint.
    private func value(_ literal: SOQLStatement.Literal, for index: Int, at offset: Int) throws(SOQLError) -> SalesforceValue {
        let type = schema.fields[index].type
        switch (literal, type.kind) {
        case (.null, _):
            return .null
        case (.string(let body), .text):
            return .string(SOQLStringLiteral.decode(body))
        case (.string(let body), .id):
            let text = SOQLStringLiteral.decode(body)
            guard let id = SalesforceID.normalized(text) else {
                throw .invalidOperator("invalid ID field: \(text)", at: offset, in: query)
            }
            return .string(id)
        case (.boolean(let flag), .boolean):
            return .boolean(flag)
        case (.number(let text), .number):
            guard let number = Double(text) else { throw .invalidField(mistyped(index), at: offset, in: query) }
            return .double(number)
        case (.dateTime(let milliseconds), .dateTime):
            return .dateTime(milliseconds)
        case (.date(let days), .date):
            return .date(days)
        default:
            throw .invalidField(mistyped(index), at: offset, in: query)
        }
    }

    private func typeName(_ index: Int) -> String {
        switch schema.fields[index].type.kind {
        case .id: "id"
        case .text: "string"
        case .boolean: "boolean"
        case .number: "double"
        case .date: "date"
        case .dateTime: "dateTime"
        }
    }

    private func mistyped(_ index: Int) -> String {
        let kind = schema.fields[index].type.kind
        let quoting = kind == .text || kind == .id ? "should be enclosed in quotes" : "should not be enclosed in quotes"
        return "value of filter criterion for field '\(schema.fields[index].name)' must be of type \(typeName(index)) and \(quoting)"
    }
}
