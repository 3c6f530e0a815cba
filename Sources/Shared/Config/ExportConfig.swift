/// A generic export of a Campaign table or query to a CRM object
/// (`workflows.campaign-to-crm.exports[]`); topic `crmbridge.campaign-to-crm.<name>`.
public struct ExportConfig: Sendable, Equatable {
    public var name: String
    public var source: Source
    /// The Dynamics entity set or Salesforce object written to.
    public var remoteObject: String
    /// How rows find their CRM record; required for `update` and `upsert`.
    public var key: Key?
    public var mode: Mode
    public var fields: [Field]
    /// A column that only grows (bigint id or timestamp) so each run reads only new rows;
    /// `nil` reads the whole source every run.
    public var cursorColumn: String?
    /// Records per CRM batch; default 100 (Dynamics ≤ 1000, Salesforce ≤ 200).
    public var batchSize: Int
    /// Time between runs; default 1m.
    public var interval: Duration

    public init(name: String, source: Source, remoteObject: String, key: Key?, mode: Mode, fields: [Field],
                cursorColumn: String? = nil, batchSize: Int = 100, interval: Duration = .seconds(60)) {
        self.name = name
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
        public var remote: String

        public init(column: String, remote: String) {
            self.column = column
            self.remote = remote
        }
    }
}
