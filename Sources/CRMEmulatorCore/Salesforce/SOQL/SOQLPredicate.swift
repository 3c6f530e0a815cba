import CoreValues

/// A resolved WHERE clause, evaluated against stored rows.
indirect enum SOQLPredicate: Sendable {
    enum Comparison: String, Sendable {
        case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    }

    case all([SOQLPredicate])
    case any([SOQLPredicate])
    case not(SOQLPredicate)
    case compare(field: Int, Comparison, SalesforceValue, SOQLValueKind)
    case oneOf(field: Int, [SalesforceValue], SOQLValueKind, negated: Bool)
    case like(field: Int, SOQLLikePattern)
    /// A relative date literal (`TODAY`, `LAST_N_DAYS:7`) as `[lower, upper)` milliseconds.
    case within(field: Int, lower: Int64, upper: Int64, Comparison, isDateField: Bool)

    func matches(_ record: SalesforceRecord) -> Bool {
        switch self {
        case .all(let parts):
            for part in parts where !part.matches(record) { return false }
            return true
        case .any(let parts):
            for part in parts where part.matches(record) { return true }
            return false
        case .not(let inner):
            return !inner.matches(record)
        case let .compare(field, comparison, literal, kind):
            return Self.compare(record[field], comparison, literal, kind)
        case let .oneOf(field, values, kind, negated):
            let value = record[field]
            let found = values.contains { Self.compare(value, .equal, $0, kind) }
            return found != negated
        case let .like(field, pattern):
            guard let text = record[field].stringValue else { return false }
            return pattern.matches(text)
        case let .within(field, lower, upper, comparison, isDateField):
            let instant: Int64
            switch record[field] {
            case .dateTime(let milliseconds) where !isDateField: instant = milliseconds
            case .date(let days) where isDateField: instant = Int64(days) * CivilCalendar.millisecondsPerDay
            default: return comparison == .notEqual
            }
            switch comparison {
            case .equal: return instant >= lower && instant < upper
            case .notEqual: return instant < lower || instant >= upper
            case .less: return instant < lower
            case .lessOrEqual: return instant < upper
            case .greater: return instant >= upper
            case .greaterOrEqual: return instant >= lower
            }
        }
    }

    /// SOQL semantics: `= null` tests for null; a null value is `!=` every
    /// non-null literal and fails every ordering comparison.
    static func compare(_ value: SalesforceValue, _ comparison: Comparison, _ literal: SalesforceValue, _ kind: SOQLValueKind) -> Bool {
        if literal.isNull || value.isNull {
            let bothNull = literal.isNull && value.isNull
            switch comparison {
            case .equal: return bothNull
            case .notEqual: return !bothNull
            default: return false
            }
        }
        let order = SOQLOrdering.compare(value, literal, kind)
        switch comparison {
        case .equal: return order == 0
        case .notEqual: return order != 0
        case .less: return order < 0
        case .lessOrEqual: return order <= 0
        case .greater: return order > 0
        case .greaterOrEqual: return order >= 0
        }
    }
}
