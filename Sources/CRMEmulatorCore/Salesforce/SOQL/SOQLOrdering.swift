/// ORDER BY keys and the value ordering SOQL uses (text case-insensitive,
/// ids exact, `false` before `true`).
struct SOQLOrdering: Sendable {
    struct Key: Sendable {
        let field: Int
        let kind: SOQLValueKind
        let descending: Bool
        let nullsFirst: Bool
    }

    let keys: [Key]

    /// The value order comparisons use: -1, 0 or 1. (Sorting many rows goes
    /// through `SOQLSorter`, which agrees with it.)
    static func compare(_ left: SalesforceValue, _ right: SalesforceValue, _ kind: SOQLValueKind) -> Int {
        switch (left, right) {
        case let (.string(a), .string(b)):
            return kind == .id ? SalesforceText.compareExactly(a, b) : SalesforceText.compareIgnoringCase(a, b)
        case let (.boolean(a), .boolean(b)):
            return a == b ? 0 : (a ? 1 : -1)
        case let (.dateTime(a), .dateTime(b)):
            return a == b ? 0 : (a < b ? -1 : 1)
        case let (.date(a), .date(b)):
            return a == b ? 0 : (a < b ? -1 : 1)
        default:
            guard let a = left.numericValue, let b = right.numericValue else { return 0 }
            return a == b ? 0 : (a < b ? -1 : 1)
        }
    }
}
