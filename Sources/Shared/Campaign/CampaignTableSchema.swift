import PostgresBridge

/// The real shape of a Campaign table, read from the catalog, so identifiers from the
/// configuration are checked against it (never spliced unchecked into SQL) and values
/// are cast to each column's type.
public struct CampaignTableSchema: Sendable, Equatable {
    public var table: PostgresIdentifier
    /// Column name → its type without modifiers (`character varying`, not `(50)`): a
    /// too-long value then fails on assignment instead of being cut by the cast.
    public var columnTypes: [String: String]

    /// Reads the table's columns; nil when the table does not exist.
    public static func read(_ table: PostgresIdentifier, from database: any PostgresQueryable) async throws -> CampaignTableSchema? {
        let rows = try await database.query(
            """
            SELECT a.attname AS name, format_type(a.atttypid, NULL) AS type
            FROM pg_attribute a
            WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
            """,
            [table.quoted])
        guard rows.rowCount > 0 else { return nil }
        var types: [String: String] = [:]
        for row in 0..<rows.rowCount {
            if let name = try rows.string(row, "name"), let type = try rows.string(row, "type") {
                types[name] = type
            }
        }
        return CampaignTableSchema(table: table, columnTypes: types)
    }

    /// Whether `column` has a unique index or constraint on it alone (the upsert key).
    public static func hasUniqueIndex(_ table: PostgresIdentifier, column: String, in database: any PostgresQueryable) async throws -> Bool {
        let rows = try await database.query(
            """
            SELECT count(*) > 0 AS unique_key FROM pg_index i
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
            WHERE i.indrelid = to_regclass($1) AND i.indisunique AND i.indnkeyatts = 1 AND a.attname = $2
            """,
            [table.quoted, column])
        return try rows.bool(0, "unique_key") == true
    }
}
