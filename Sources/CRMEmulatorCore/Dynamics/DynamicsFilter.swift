/// A parsed `$filter`, bound to a table's columns. Evaluated with SQL's three-valued
/// logic (a comparison with a null column is unknown), as Dataverse runs it in SQL.
indirect enum DynamicsFilter: Sendable {
    enum Comparison: String, Sendable {
        case eq, ne, gt, ge, lt, le

        /// Whether the comparison holds for an ordering result (`DynamicsValue.compare`:
        /// negative, zero or positive).
        func holds(forOrdering c: Int) -> Bool {
            switch self {
            case .eq: c == 0
            case .ne: c != 0
            case .gt: c > 0
            case .ge: c >= 0
            case .lt: c < 0
            case .le: c <= 0
            }
        }

        var flipped: Comparison {
            switch self {
            case .eq, .ne: self
            case .gt: .lt
            case .ge: .le
            case .lt: .gt
            case .le: .ge
            }
        }
    }

    enum TextFunction: String, Sendable {
        case contains, startswith, endswith
    }

    case and(DynamicsFilter, DynamicsFilter)
    case or(DynamicsFilter, DynamicsFilter)
    case not(DynamicsFilter)
    case compare(field: Int, Comparison, DynamicsValue)
    /// `contains(field,'text')`; the text is kept lowercased (case-insensitive match).
    case text(TextFunction, field: Int, lowercased: String)
    case constant(Bool)

    func matches(_ record: DynamicsRecord) -> Bool {
        evaluate(record) == true
    }

    func evaluate(_ record: DynamicsRecord) -> Bool? {
        switch self {
        case let .and(left, right):
            let l = left.evaluate(record)
            if l == false { return false }
            let r = right.evaluate(record)
            if r == false { return false }
            return (l == nil || r == nil) ? nil : true
        case let .or(left, right):
            let l = left.evaluate(record)
            if l == true { return true }
            let r = right.evaluate(record)
            if r == true { return true }
            return (l == nil || r == nil) ? nil : false
        case let .not(inner):
            return inner.evaluate(record).map { !$0 }
        case let .constant(value):
            return value
        case let .compare(field, comparison, literal):
            let value = record[field]
            if literal.isNull {
                switch comparison {
                case .eq: return value.isNull
                case .ne: return !value.isNull
                default: return nil
                }
            }
            if value.isNull { return nil }
            return comparison.holds(forOrdering: DynamicsValue.compare(value, literal))
        case let .text(function, field, needle):
            guard case .string(let text) = record[field] else { return nil }
            let haystack = text.lowercased()
            switch function {
            case .contains: return needle.isEmpty || haystack.contains(needle)
            case .startswith: return haystack.hasPrefix(needle)
            case .endswith: return haystack.hasSuffix(needle)
            }
        }
    }
}
