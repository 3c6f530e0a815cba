/// Deletes CRM records by primary key (`workflows.campaign-to-crm.deletes[]`): the ids
/// come from a Campaign table or query; topic `crmbridge.campaign-to-crm.<name>`.
public struct CRMDeleteConfig: Sendable, Equatable {
    public var name: String
    public var source: ExportConfig.Source
    public var remoteObject: String
    /// The column holding the CRM primary key of the record to delete.
    public var keyColumn: String
    /// Like `ExportConfig.cursorColumn` (the stamp column; nil means `crmbridge_xid`).
    public var cursorColumn: String?
    /// Like `ExportConfig.idColumn`: the row's own whole-number id; default `id`.
    public var idColumn: String
    /// Deletes per CRM batch; default 100.
    public var batchSize: Int
    /// Default 1m.
    public var interval: Duration

    public init(name: String, source: ExportConfig.Source, remoteObject: String, keyColumn: String,
                cursorColumn: String? = nil, batchSize: Int = 100, interval: Duration = .seconds(60),
                idColumn: String = "id") {
        self.name = name
        self.idColumn = idColumn
        self.source = source
        self.remoteObject = remoteObject
        self.keyColumn = keyColumn
        self.cursorColumn = cursorColumn
        self.batchSize = batchSize
        self.interval = interval
    }
}
