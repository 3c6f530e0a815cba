import Mapping

extension CRMFilterRenderer {
    /// Dynamics 365 Web API `$filter` (not yet URL-encoded): strings with doubled quotes.
    static let odata: CRMFilterRenderer = CRMFilterRenderer(
        and: "and", or: "or", not: "not", pathSeparator: "/", argumentSeparator: ",",
        comparison: \.rawValue, string: ODataLiteral.string, condition: { _, _ in nil },
        functionName: { $0.lowercased() })
}

extension CRMQuery.SortKey {
    /// `field` or `field desc` for OData `$orderby`.
    var odata: String { descending ? field + " desc" : field }
}
