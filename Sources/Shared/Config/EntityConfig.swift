import Mapping

/// One CRM entity synced to one Campaign table (`workflows.crm-to-campaign.entities[]`).
public struct EntityConfig: Sendable, Equatable {
    /// The entity's name in CRM Bridge (`contact`): topic `crmbridge.crm-to-campaign.<name>`,
    /// option `LASTIMPORT_<instance>_crm-to-campaign_<name>`.
    public var name: String
    /// The Dynamics entity set (`contacts`) or Salesforce object (`Contact`).
    public var remoteObject: String
    /// The CRM id field; default `<name>id` (Dynamics) or `Id` (Salesforce). Always read.
    public var remoteIdField: String
    /// The last-modified field; default `modifiedon` / `SystemModstamp`. Always read.
    public var lastModifiedField: String
    /// The Campaign table (`profiles` for contacts).
    public var table: String
    /// The column holding the CRM id, the upsert key; default `crm_id`.
    public var idColumn: String
    /// The column holding the CRM last-modified time (newer-wins); default `crm_modified_at`.
    public var modifiedColumn: String
    public var fields: [FieldMapping]
    /// The validated filter, `nil` for every record.
    public var filter: FilterExpression?
    /// Quoted strings allowed in `filter` (eq, ne, startswith); default false.
    public var allowStringComparisons: Bool
    /// Extra ordering for reads, after none by default (readers order by last-modified, id).
    public var orderBy: [OrderBy]
    public var deletes: Deletes
    /// Import only the ids of an upstream population; `nil` for all.
    public var population: Population?
    /// Records per CRM page; default 2000 (Dynamics 1…5000, Salesforce 200…2000).
    public var pageSize: Int
    /// Time between incremental runs; default 30s.
    public var interval: Duration
    /// Overlap with the previous window, against late commits and equal timestamps; default 5s.
    public var lookBack: Duration

    /// The CRM fields to read: the id, the last-modified field, then each mapped field once.
    public var remoteFields: [String] {
        var seen: Set<String> = []
        return ([remoteIdField, lastModifiedField] + fields.map(\.remote)).filter { seen.insert($0).inserted }
    }

    public init(
        name: String, remoteObject: String, remoteIdField: String, lastModifiedField: String, table: String,
        idColumn: String = "crm_id", modifiedColumn: String = "crm_modified_at", fields: [FieldMapping],
        filter: FilterExpression? = nil, allowStringComparisons: Bool = false, orderBy: [OrderBy] = [],
        deletes: Deletes = Deletes(), population: Population? = nil, pageSize: Int = 2000,
        interval: Duration = .seconds(30), lookBack: Duration = .seconds(5)
    ) {
        self.name = name
        self.remoteObject = remoteObject
        self.remoteIdField = remoteIdField
        self.lastModifiedField = lastModifiedField
        self.table = table
        self.idColumn = idColumn
        self.modifiedColumn = modifiedColumn
        self.fields = fields
        self.filter = filter
        self.allowStringComparisons = allowStringComparisons
        self.orderBy = orderBy
        self.deletes = deletes
        self.population = population
        self.pageSize = pageSize
        self.interval = interval
        self.lookBack = lookBack
    }

    /// How records deleted in the CRM reach Campaign.
    public struct Deletes: Sendable, Equatable {
        /// Read deletes (Dynamics change tracking, Salesforce getDeleted); default false.
        public var enabled: Bool
        /// Set this boolean column to true instead of deleting the row; `nil` deletes rows.
        public var softDeleteColumn: String?
        /// Also delete records that no longer match the filter; default false.
        public var deleteWhenFilteredOut: Bool

        public init(enabled: Bool = false, softDeleteColumn: String? = nil, deleteWhenFilteredOut: Bool = false) {
            self.enabled = enabled
            self.softDeleteColumn = softDeleteColumn
            self.deleteWhenFilteredOut = deleteWhenFilteredOut
        }
    }

    /// "Use the population calculated upstream": the CRM ids to import.
    public enum Population: Sendable, Equatable {
        /// A query on Campaign whose first column is the CRM id; it runs read-only, within
        /// `populations.queryTimeout`.
        case sql(String)
        /// A file with one CRM id per line (blank lines and `#` comments ignored), read
        /// only from `populations.directory` of `crmbridge.yaml` (`PopulationsConfig`).
        case file(String)
    }

    /// One `field [asc|desc]` of `orderBy`.
    public struct OrderBy: Sendable, Equatable {
        public var field: String
        public var descending: Bool

        public init(field: String, descending: Bool = false) {
            self.field = field
            self.descending = descending
        }
    }
}
