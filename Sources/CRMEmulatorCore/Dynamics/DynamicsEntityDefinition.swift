/// A table: names, columns and keys, as the metadata describes it.
public struct DynamicsEntityDefinition: Sendable {
    /// Logical name (`contact`).
    public var logicalName: String
    /// Entity set name (`contacts`): the URL segment.
    public var entitySetName: String
    public var primaryKey: String
    /// Column whose value names a record (shown as a lookup's formatted value).
    public var primaryName: String
    public var fields: [DynamicsFieldDefinition]
    /// Alternate keys: name → columns (e.g. `crmb_eventid_key` → [`crmb_eventid`]).
    public var alternateKeys: [String: [String]]
    public var changeTrackingEnabled: Bool
    public var isActivity: Bool

    let fieldIndex: [String: Int]
    let wireIndex: [String: Int]
    let primaryKeyIndex: Int
    let createdOnIndex: Int?
    let modifiedOnIndex: Int?
    let versionNumberIndex: Int?

    public init(
        logicalName: String, entitySetName: String, primaryKey: String, primaryName: String,
        fields: [DynamicsFieldDefinition], alternateKeys: [String: [String]] = [:],
        changeTrackingEnabled: Bool = true, isActivity: Bool = false
    ) {
        var all = fields
        if !all.contains(where: { $0.name == primaryKey }) {
            all.insert(DynamicsFieldDefinition(primaryKey, .uniqueIdentifier), at: 0)
        }
        for stamp in ["createdon", "modifiedon"] where !all.contains(where: { $0.name == stamp }) {
            all.append(DynamicsFieldDefinition(stamp, .dateTime, readOnly: true))
        }
        // Every table has the row version as a column: a write moves it even when it
        // lands in the same second as the one before (opt-in-out tells its own writes by it).
        if !all.contains(where: { $0.name == "versionnumber" }) {
            all.append(DynamicsFieldDefinition("versionnumber", .bigInt, readOnly: true))
        }
        self.logicalName = logicalName
        self.entitySetName = entitySetName
        self.primaryKey = primaryKey
        self.primaryName = primaryName
        self.fields = all
        self.alternateKeys = alternateKeys
        self.changeTrackingEnabled = changeTrackingEnabled
        self.isActivity = isActivity
        var byName: [String: Int] = [:]
        var byWire: [String: Int] = [:]
        for (index, field) in all.enumerated() {
            byName[field.name] = index
            byWire[field.wireName] = index
        }
        fieldIndex = byName
        wireIndex = byWire
        primaryKeyIndex = byName[primaryKey] ?? 0
        createdOnIndex = byName["createdon"]
        modifiedOnIndex = byName["modifiedon"]
        versionNumberIndex = byName["versionnumber"]
    }

    /// The column a query option names: its wire name (`_x_value` for lookups) or, for
    /// plain columns, its logical name.
    func queryField(_ name: String) -> Int? {
        wireIndex[name]
    }

    /// The type name used in OData messages (`Microsoft.Dynamics.CRM.contact`).
    var qualifiedTypeName: String { "Microsoft.Dynamics.CRM.\(logicalName)" }
}
