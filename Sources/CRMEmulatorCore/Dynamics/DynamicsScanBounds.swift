import Foundation

/// What a `$filter` says about where its rows can lie in the read order, so a read over
/// millions of rows starts and stops near them instead of testing every row: the
/// comparisons on the first sort key among the filter's top-level `and` terms, and an
/// `or` of `id eq <guid>` terms (the connector's read by ids). The filter is still tested
/// on every row visited; bounds only skip rows it would refuse.
struct DynamicsScanBounds {
    private var front: [(DynamicsFilter.Comparison, DynamicsValue)] = []
    private var back: [(DynamicsFilter.Comparison, DynamicsValue)] = []
    private let field: Int
    /// Every row the filter accepts has one of these ids (nil: no such term).
    private(set) var ids: [UUID]?

    init(filter: DynamicsFilter?, firstKey: DynamicsSortKey?, primaryKey: Int) {
        field = firstKey?.field ?? primaryKey
        let ascending = firstKey?.descending != true
        guard let filter else { return }
        for term in Self.conjuncts(filter) {
            if case let .compare(column, comparison, literal) = term, column == field, !literal.isNull {
                switch comparison {
                case .eq:
                    front.append((ascending ? .ge : .le, literal))
                    back.append((ascending ? .le : .ge, literal))
                case .ge, .gt:
                    if ascending { front.append((comparison, literal)) } else { back.append((comparison, literal)) }
                case .le, .lt:
                    if ascending { back.append((comparison, literal)) } else { front.append((comparison, literal)) }
                case .ne: break
                }
            } else if ids == nil, let list = Self.idList(term, primaryKey: primaryKey) {
                ids = list
            }
        }
    }

    /// The row lies before every row the filter can accept (in the read order).
    func isBefore(_ record: DynamicsRecord) -> Bool {
        front.contains { !Self.holds(record[field], $0.0, $0.1) }
    }

    /// The row, and every row after it, lies past every row the filter can accept.
    func isPast(_ record: DynamicsRecord) -> Bool {
        back.contains { !Self.holds(record[field], $0.0, $0.1) }
    }

    /// The comparison in the sort's total order (nulls first), which is what places a row;
    /// `evaluate` would call a null unknown, and nulls are at the front of an ascending order.
    private static func holds(_ value: DynamicsValue, _ comparison: DynamicsFilter.Comparison, _ literal: DynamicsValue) -> Bool {
        comparison.holds(forOrdering: DynamicsValue.compare(value, literal))
    }

    private static func conjuncts(_ filter: DynamicsFilter) -> [DynamicsFilter] {
        if case let .and(left, right) = filter { return conjuncts(left) + conjuncts(right) }
        return [filter]
    }

    /// `id eq a or id eq b or …`, as the ids.
    private static func idList(_ filter: DynamicsFilter, primaryKey: Int) -> [UUID]? {
        switch filter {
        case let .or(left, right):
            guard let l = idList(left, primaryKey: primaryKey), let r = idList(right, primaryKey: primaryKey) else { return nil }
            return l + r
        case let .compare(column, .eq, .guid(id)) where column == primaryKey:
            return [id]
        default:
            return nil
        }
    }
}
