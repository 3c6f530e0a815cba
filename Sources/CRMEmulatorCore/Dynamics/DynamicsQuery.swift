import Foundation

/// One `name=value` pair of the query string, decoded, with its raw text kept to rebuild
/// next and delta links as the client wrote them.
struct DynamicsQueryOption: Sendable {
    var name: String
    var value: String
    var raw: Substring

    static func parse(_ query: String?) -> [DynamicsQueryOption] {
        guard let query, !query.isEmpty else { return [] }
        return query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return DynamicsQueryOption(
                name: PercentEncoding.decode(parts[0], plusIsSpace: false),
                value: parts.count > 1 ? PercentEncoding.decode(parts[1], plusIsSpace: false) : "",
                raw: pair)
        }
    }
}

/// The system query options of a collection read, bound to the table's columns.
struct DynamicsQuery: Sendable {
    /// Selected columns in request order; nil selects every column.
    var select: [Int]?
    var filter: DynamicsFilter?
    var orderBy: [DynamicsSortKey] = []
    var top: Int?
    var count = false
    var skipToken: DynamicsPagingCookie?
    var deltaToken: DynamicsDeltaToken?
    /// Raw options to repeat in `@odata.nextLink` / `@odata.deltaLink`.
    var linkOptions: [Substring] = []
    /// Which options were present, for the change-tracking restrictions.
    var present: Set<String> = []

    init(options: [DynamicsQueryOption], entity: DynamicsEntityDefinition) throws(DynamicsError) {
        for option in options {
            let name = option.name
            guard name.hasPrefix("$") else {
                linkOptions.append(option.raw)
                continue
            }
            guard !present.contains(name) else { throw .badQuery("Query option '\(name)' was specified more than once, but it must be specified at most once.") }
            present.insert(name)
            switch name {
            case "$select":
                select = try Self.select(option.value, entity: entity)
            case "$filter":
                filter = try DynamicsFilterParser.parse(option.value, entity: entity)
            case "$orderby":
                orderBy = try Self.orderBy(option.value, entity: entity)
            case "$top":
                guard let top = Int(option.value), top >= 0 else {
                    throw .badQuery("Invalid value '\(option.value)' for $top query option found. The $top query option requires a non-negative integer value.")
                }
                self.top = top
            case "$count":
                guard ["true", "false"].contains(option.value) else { throw .badQuery("'\(option.value)' is not a valid count option.") }
                count = option.value == "true"
            case "$skiptoken":
                skipToken = try DynamicsPagingCookie(token: option.value)
                continue
            case "$deltatoken":
                deltaToken = try DynamicsDeltaToken(token: option.value)
                continue
            case "$skip":
                throw .badQuery("The query parameter $skip is not supported. Use the @odata.nextLink to page through results.")
            case "$expand", "$apply", "$search", "$compute":
                throw .badQuery("The query parameter \(name) is not supported by this organization.")
            default:
                throw .badQuery("The query parameter '\(name)' is not supported.")
            }
            linkOptions.append(option.raw)
        }
    }

    private static func select(_ text: String, entity: DynamicsEntityDefinition) throws(DynamicsError) -> [Int] {
        var fields: [Int] = []
        for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard !name.isEmpty else { continue }
            guard let index = entity.queryField(name) else { throw .unknownProperty(name, on: entity) }
            if !fields.contains(index) { fields.append(index) }
        }
        guard !fields.isEmpty else { throw .badQuery("The $select query option must name at least one property.") }
        return fields
    }

    private static func orderBy(_ text: String, entity: DynamicsEntityDefinition) throws(DynamicsError) -> [DynamicsSortKey] {
        var keys: [DynamicsSortKey] = []
        for item in text.split(separator: ",") {
            let words = item.split(separator: " ", omittingEmptySubsequences: true)
            guard let first = words.first, words.count <= 2 else { throw .badQuery("Syntax error in $orderby: '\(item)'.") }
            guard let index = entity.queryField(String(first)) else { throw .unknownProperty(String(first), on: entity) }
            var descending = false
            if words.count == 2 {
                switch words[1].lowercased() {
                case "asc": descending = false
                case "desc": descending = true
                default: throw .badQuery("Syntax error in $orderby: expected 'asc' or 'desc' after '\(first)'.")
                }
            }
            if !keys.contains(where: { $0.field == index }) { keys.append(DynamicsSortKey(field: index, descending: descending)) }
        }
        guard !keys.isEmpty else { throw .badQuery("The $orderby query option must name at least one property.") }
        return keys
    }

    /// A signature of the order, so a skip token is only accepted by the same order.
    var orderSignature: String {
        orderBy.map { "\($0.field)\($0.descending ? "d" : "a")" }.joined(separator: ",")
    }
}
