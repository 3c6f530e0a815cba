/// A SOQL query resolved against an object: field positions, typed literals.
struct SOQLQuery: Sendable {
    enum Selection: Sendable {
        case fields([Int])
        case count
    }

    static let maximumOffset = 2000

    let schema: SalesforceObjectSchema
    let selection: Selection
    let predicate: SOQLPredicate?
    let ordering: SOQLOrdering
    let limit: Int?
    let offset: Int

    /// Matching rows, ordered, after OFFSET and LIMIT. Without ORDER BY rows
    /// come in insertion order.
    func run(on table: SalesforceTable, includeDeleted: Bool) -> [SalesforceRecord] {
        var positions: [Int] = []
        for (position, record) in table.records.enumerated() where includeDeleted || !record.isDeleted {
            if let predicate, !predicate.matches(record) { continue }
            positions.append(position)
        }
        var order = Array(positions.indices)
        if !ordering.keys.isEmpty {
            order = SOQLSorter(ordering: ordering, table: table, positions: positions).sortedRowNumbers(count: positions.count)
        }
        let start = min(offset, order.count)
        let end = start + min(order.count - start, limit ?? order.count)
        return order[start..<end].map { table.records[positions[$0]] }
    }
}

extension SOQLQuery {
    /// Parses and resolves `query` against the org's objects.
    static func compile(_ query: String, objects: [String: SalesforceObjectSchema], now: Int64) throws(SOQLError) -> SOQLQuery {
        let statement = try SOQLParser.parse(query)
        guard let schema = objects[statement.object.text.lowercased()] else {
            throw .invalidType(
                "sObject type '\(statement.object.text)' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.",
                at: statement.object.offset, in: query)
        }
        let resolver = SOQLResolver(query: query, schema: schema, now: now)
        let selection: Selection
        if let names = statement.fields {
            var indices: [Int] = []
            for name in names {
                let index = try resolver.field(name)
                guard !indices.contains(index) else {
                    throw .malformed("duplicate field selected: \(name.text)", at: name.offset, in: query)
                }
                indices.append(index)
            }
            selection = .fields(indices)
        } else {
            selection = .count
        }
        let predicate = try statement.condition.map { condition throws(SOQLError) in try resolver.predicate(condition) }
        var keys: [SOQLOrdering.Key] = []
        for item in statement.orderBy {
            let index = try resolver.field(item.field)
            keys.append(.init(field: index, kind: schema.fields[index].type.kind, descending: item.descending, nullsFirst: item.nullsFirst))
        }
        if let offset = statement.offset, offset > maximumOffset {
            throw SOQLError(errorCode: "NUMBER_OUTSIDE_VALID_RANGE", message: "Maximum SOQL offset allowed is \(maximumOffset)")
        }
        return SOQLQuery(schema: schema, selection: selection, predicate: predicate, ordering: SOQLOrdering(keys: keys),
                         limit: statement.limit, offset: statement.offset ?? 0)
    }
}
