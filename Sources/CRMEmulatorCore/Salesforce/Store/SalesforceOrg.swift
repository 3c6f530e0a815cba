/// Everything the emulated org holds in memory: records per object, sessions,
/// the API allocation, open query cursors and validation rules. One value,
/// guarded by the emulator's lock.
struct SalesforceOrg: Sendable {
    var tables: [String: SalesforceTable]
    var sessions = SalesforceSessions()
    var usage: SalesforceAPIUsage
    var cursors: SalesforceCursorStore
    var rules: [SalesforceValidationRule] = []
    var getUpdatedMaxAge: Int64
    var getDeletedMaxAge: Int64
    /// Per object (lowercased name): the delete log holds nothing deleted at or before this
    /// instant (milliseconds), as after Salesforce's background purge of a large log.
    var deleteLogPurgedThrough: [String: Int64] = [:]
    /// Ids handed out per key prefix (never reused, deleted or not).
    private var sequences: [String: Int] = [:]
    /// Records seeded per object so far (the next seeded record's index).
    var seeded: [String: Int] = [:]

    init(configuration: SalesforceConfiguration) {
        tables = Dictionary(uniqueKeysWithValues: SalesforceObjectSchema.catalog.map { ($0.name.lowercased(), SalesforceTable(schema: $0)) })
        usage = SalesforceAPIUsage(allocation: configuration.dailyAPIRequests)
        cursors = SalesforceCursorStore(capacity: configuration.maximumOpenCursors,
                                        idleTimeout: configuration.cursorIdleTimeout.milliseconds)
        getUpdatedMaxAge = configuration.getUpdatedMaxAge.milliseconds
        getDeletedMaxAge = configuration.getDeletedMaxAge.milliseconds
    }

    func table(for schema: SalesforceObjectSchema) -> SalesforceTable {
        tables[schema.name.lowercased()] ?? SalesforceTable(schema: schema)
    }

    mutating func nextID(for schema: SalesforceObjectSchema) -> String {
        let sequence = (sequences[schema.keyPrefix] ?? 0) + 1
        sequences[schema.keyPrefix] = sequence
        return SalesforceID.make(prefix: schema.keyPrefix, sequence: sequence)
    }

    /// Where the record with `id` lives: its object (from the key prefix) and row.
    func locate(_ id: String) -> (schema: SalesforceObjectSchema, position: Int)? {
        guard let schema = SalesforceObjectSchema.byKeyPrefix[SalesforceID.prefix(of: id)],
              let position = tables[schema.name.lowercased()]?.position(of: id) else { return nil }
        return (schema, position)
    }

    /// Stores a row directly (seeding, late records), bypassing validation.
    mutating func store(_ record: SalesforceRecord, schema: SalesforceObjectSchema) {
        let key = schema.name.lowercased()
        if let position = tables[key]?.position(of: record.id) {
            tables[key]?.replace(at: position, with: record)
        } else {
            tables[key]?.insert(record)
        }
    }

    /// Forgets records, sessions, cursors and rules; keeps the configuration.
    mutating func clear(configuration: SalesforceConfiguration) {
        self = SalesforceOrg(configuration: configuration)
    }
}
