import Mapping

/// What to read from a CRM, as typed values: the connector renders them in its own
/// language (OData for Dynamics, SOQL for Salesforce), escapes every literal for it, and
/// adds the id and last-modified fields, the window or the id set, and the paging.
public struct CRMQuery: Sendable, Equatable {
    /// Dynamics entity set (`contacts`, `new_projects`) or Salesforce object (`Contact`).
    public var remoteObject: String
    /// Fields to select. The id field and the last-modified field are added when missing.
    public var fields: [String]
    /// A validated filter (`FilterExpression.parse`), or nil for every record. To read
    /// what does not match, wrap it in `.not`.
    public var filter: FilterExpression?
    /// Sort keys. Empty (the default): by last-modified then id, so a window is read in
    /// a deterministic order. Otherwise the id is appended as the last tie-breaker.
    public var orderBy: [SortKey]
    /// Records per page asked of the CRM (Dynamics caps at 5000, Salesforce reads
    /// 200...2000 and may send fewer). Default 1000.
    public var pageSize: Int
    /// The primary key field. Nil: the CRM's convention (Salesforce `Id`; Dynamics the
    /// entity's logical name + `id`, guessed from the entity set name — set it for
    /// custom tables whose set name is not a plain plural).
    public var idField: String?
    /// The last-modified field. Nil: the connector's configured default
    /// (Dynamics `modifiedon`, Salesforce `SystemModstamp`).
    public var modifiedField: String?

    public init(
        remoteObject: String, fields: [String] = [], filter: FilterExpression? = nil,
        orderBy: [SortKey] = [], pageSize: Int = 1000, idField: String? = nil,
        modifiedField: String? = nil
    ) {
        self.remoteObject = remoteObject
        self.fields = fields
        self.filter = filter
        self.orderBy = orderBy
        self.pageSize = pageSize
        self.idField = idField
        self.modifiedField = modifiedField
    }

    /// One field to sort by, ascending unless `descending`.
    public struct SortKey: Sendable, Hashable {
        public var field: String
        public var descending: Bool

        public init(_ field: String, descending: Bool = false) {
            self.field = field
            self.descending = descending
        }
    }
}

extension CRMQuery {
    /// `fields` with the id and last-modified fields added (no duplicates, order kept).
    func selectedFields(idField: String, modifiedField: String) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for field in [idField, modifiedField] + fields where seen.insert(field.lowercased()).inserted {
            result.append(field)
        }
        return result
    }

    /// The sort: `orderBy` + id, or last-modified then id.
    func effectiveOrder(idField: String, modifiedField: String) -> [SortKey] {
        guard !orderBy.isEmpty else { return [SortKey(modifiedField), SortKey(idField)] }
        let named = orderBy.contains { $0.field.lowercased() == idField.lowercased() }
        return named ? orderBy : orderBy + [SortKey(idField)]
    }
}
