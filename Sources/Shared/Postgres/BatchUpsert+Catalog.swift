extension BatchUpsert {
    /// The SQL type of every plan column, read from the catalog; a missing table or
    /// column is a `.schemaMismatch` naming it.
    func columnTypes(on transaction: PostgresTransaction) async throws -> [String: String] {
        let rows = try await transaction.query(
            """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type
            FROM pg_attribute a
            WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
            """, [table.quoted])
        var types: [String: String] = [:]
        for row in rows {
            if let name = row["attname"], let type = row["type"] { types[name] = type }
        }
        guard !types.isEmpty else {
            throw PostgresError(code: .schemaMismatch, message: "table \(table) does not exist",
                                operation: "BatchUpsert")
        }
        for name in columnNames where types[name] == nil {
            throw PostgresError(code: .schemaMismatch, message: "table \(table) has no column \"\(name)\"",
                                operation: "BatchUpsert")
        }
        return types
    }
}
