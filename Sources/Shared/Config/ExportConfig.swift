import Mapping

/// A generic export of a Campaign table or query to a CRM object
/// (`workflows.campaign-to-crm.exports[]`); topic `crmbridge.campaign-to-crm.<name>`.
/// docs/campaign-to-crm.md says how rows are read (below the transaction horizon, by the
/// stamp column) and written (insert, upsert by key, update by primary key).
public struct ExportConfig: Sendable, Equatable {
    /// The stamp column a source needs when `cursorColumn` is not set.
    public static let defaultCursorColumn = "crmbridge_xid"

    public var name: String
    public var source: Source
    /// The Dynamics entity set or Salesforce object written to.
    public var remoteObject: String
    /// How rows find their CRM record; required for `update` and `upsert`.
    public var key: Key?
    public var mode: Mode
    public var fields: [Field]
    /// The source's stamp column: `xid8 DEFAULT pg_current_xact_id()`, stamped again on
    /// update by a trigger, so the reader reads new and changed rows below the oldest
    /// transaction in flight and never skips a late commit; nil means `crmbridge_xid`.
    public var cursorColumn: String?
    /// The Campaign row's own whole-number id: the Kafka key and the cursor's tie-breaker
    /// within a transaction; default `id`.
    public var idColumn: String
    /// Records per CRM batch; default 100 (Dynamics ≤ 1000, Salesforce ≤ 200).
    public var batchSize: Int
    /// Time between runs; default 1m.
    public var interval: Duration
    /// Salesforce only, `mode: insert`: the operator accepts that a row sent again (after a
    /// crash between Salesforce's answer and the offset commit, or changed later) becomes a
    /// second record, as Salesforce has no idempotent insert. Without it the configuration
    /// refuses such an export and names the upsert by external id that avoids this.
    public var acceptDuplicates: Bool

    public init(name: String, source: Source, remoteObject: String, key: Key?, mode: Mode, fields: [Field],
                cursorColumn: String? = nil, batchSize: Int = 100, interval: Duration = .seconds(60),
                idColumn: String = "id", acceptDuplicates: Bool = false) {
        self.name = name
        self.acceptDuplicates = acceptDuplicates
        self.idColumn = idColumn
        self.source = source
        self.remoteObject = remoteObject
        self.key = key
        self.mode = mode
        self.fields = fields
        self.cursorColumn = cursorColumn
        self.batchSize = batchSize
        self.interval = interval
    }

    /// Where rows come from on Campaign.
    public enum Source: Sendable, Equatable {
        case table(String)
        /// A SELECT whose column names are the `column`s of the mapping.
        case query(String)
    }

    public enum Mode: String, Sendable, CaseIterable {
        case insert, update, upsert
    }

    /// The column holding the CRM key and the CRM field it matches.
    public struct Key: Sendable, Equatable {
        public var column: String
        /// The CRM primary key (`contactid`, `Id`) or an alternate key / external id field.
        public var remote: String
        /// True when `remote` is an alternate key (Dynamics) / external id (Salesforce)
        /// rather than the primary key; default false.
        public var alternate: Bool

        public init(column: String, remote: String, alternate: Bool = false) {
            self.column = column
            self.remote = remote
            self.alternate = alternate
        }
    }

    /// One Campaign column written to one CRM field.
    public struct Field: Sendable, Equatable {
        public var column: String
        /// The CRM field; for a lookup, the Dynamics navigation property
        /// (`parentcustomerid_account`, `crmb_contactid`) or the Salesforce lookup field
        /// (`AccountId`, `CRMB_Contact__c`).
        public var remote: String
        /// Exact-match replacements applied to the Campaign value before it is sent, first
        /// match wins (as in crm-to-campaign): `{from: "N/A", to: null}`.
        public var replacements: [ReplacementRule]
        /// How the value is converted after the replacements; default `default` (date-times
        /// to UTC). Not applied to a lookup's key.
        public var conversion: CRMValueConversion
        /// Set when the column names another CRM record that the field links to.
        public var lookup: Lookup?

        public init(
            column: String, remote: String, replacements: [ReplacementRule] = [], conversion: CRMValueConversion = .default,
            lookup: Lookup? = nil
        ) {
            self.column = column
            self.remote = remote
            self.replacements = replacements
            self.conversion = conversion
            self.lookup = lookup
        }
    }

    /// A lookup field: the column holds the key of a record of `target`, and the CRM
    /// field is bound to that record (Dynamics `<remote>@odata.bind: "/<target>(<id>)"`;
    /// Salesforce the lookup field set to the record's Id). A null value clears the link.
    public struct Lookup: Sendable, Equatable {
        /// The Dynamics entity set (`contacts`) or Salesforce object (`Contact`) linked to.
        public var target: String

        public init(target: String) {
            self.target = target
        }
    }

    /// The stamp column the reader pages by.
    public var stampColumn: String { cursorColumn ?? Self.defaultCursorColumn }
}
