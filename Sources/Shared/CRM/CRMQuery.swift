/// What to read from a CRM, already in the CRM's own terms: the connector adds the id and
/// last-modified fields, the window and the paging; it does not parse or check `filter`.
public struct CRMQuery: Sendable, Hashable {
    /// Dynamics entity set (`contacts`, `new_projects`) or Salesforce object (`Contact`).
    public var remoteObject: String
    /// Fields to select. The id field and the last-modified field are added when missing.
    public var fields: [String]
    /// A filter already translated to OData `$filter` / SOQL `WHERE` text, or nil.
    public var filter: String?
    /// Sort fields, each optionally followed by ` asc` / ` desc`. Empty (the default): by
    /// last-modified then id, so a window is read in a deterministic order. Otherwise the
    /// id is appended as the last tie-breaker.
    public var orderBy: [String]
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
        remoteObject: String, fields: [String] = [], filter: String? = nil,
        orderBy: [String] = [], pageSize: Int = 1000, idField: String? = nil,
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
    func effectiveOrder(idField: String, modifiedField: String) -> [String] {
        guard !orderBy.isEmpty else { return [modifiedField, idField] }
        let named = orderBy.map { $0.split(separator: " ").first.map(String.init)?.lowercased() ?? "" }
        return named.contains(idField.lowercased()) ? orderBy : orderBy + [idField]
    }
}
