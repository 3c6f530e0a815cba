import Mapping

extension CRMFilterRenderer {
    /// A Salesforce SOQL `WHERE` condition (without the keyword): strings with SOQL's
    /// backslash escapes, `startswith` as `LIKE` with its wildcards escaped.
    static let soql: CRMFilterRenderer = CRMFilterRenderer(
        and: "AND", or: "OR", not: "NOT", pathSeparator: ".", argumentSeparator: ", ",
        comparison: \.soql, string: SOQLLiteral.string,
        condition: { name, arguments in
            guard name.lowercased() == "startswith", arguments.count == 2,
                  case .literal(.string(let prefix)) = arguments[1] else { return nil }
            return CRMFilterRenderer.soql.render(arguments[0]) + " LIKE " + SOQLLiteral.likePrefix(prefix)
        },
        functionName: { $0 })
}

extension FilterComparison {
    /// The SOQL operator.
    var soql: String {
        switch self {
        case .eq: "="
        case .ne: "!="
        case .gt: ">"
        case .ge: ">="
        case .lt: "<"
        case .le: "<="
        }
    }
}

extension CRMQuery.SortKey {
    /// `field` or `field DESC` for SOQL `ORDER BY`.
    var soql: String { descending ? field + " DESC" : field }
}
