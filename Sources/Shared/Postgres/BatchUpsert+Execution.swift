/// Running a `BatchUpsert` on a connection or inside a transaction.
extension PostgresQueryable {
    /// Writes `rows` (one value per plan column, in plan order) newer-wins, in one
    /// transaction (or inside the running one). Returns how many rows were inserted,
    /// updated, and skipped as older.
    public func upsert(
        _ plan: BatchUpsert,
        rows: [[String?]],
        method: BatchUpsert.Method = .default,
        isolation: isolated (any Actor)? = #isolation
    ) async throws -> BatchUpsertResult {
        try plan.validate(rows: rows)
        guard !rows.isEmpty else { return BatchUpsertResult(received: 0, inserted: 0, updated: 0) }
        return try await atomically(isolation: isolation) { transaction in
            let types = try await plan.columnTypes(on: transaction)
            let counts: PostgresRows
            switch method {
            case .unnest:
                var arrays: [String?] = []
                for (index, name) in plan.columnNames.enumerated() {
                    arrays.append(try PostgresTextEncoding.arrayLiteral(rows.lazy.map { $0[index] }, column: name))
                }
                counts = try await transaction.query(plan.unnestUpsertSQL(types: types), arrays)
            case .copy:
                let chunks = try PostgresTextEncoding.copyRows(rows, columns: plan.columnNames)
                let staging = try await transaction.nextStagingName()
                try await transaction.execute(plan.createStagingSQL(staging))
                _ = try await transaction.copyIn(plan.copyStagingSQL(staging), chunks: chunks)
                counts = try await transaction.query(plan.mergeStagingSQL(staging))
                try await transaction.execute("DROP TABLE pg_temp.\(BatchUpsert.quote(staging))")
            }
            return BatchUpsertResult(
                received: rows.count,
                inserted: try counts.int(0, "inserted") ?? 0,
                updated: try counts.int(0, "updated") ?? 0)
        }
    }

    /// Deletes rows by key, newer-wins: a row goes only when its stored version is older
    /// than or equal to the deletion's (or NULL). Deletions of one key collapse to the newest.
    public func delete(
        _ plan: BatchUpsert,
        _ deletions: [BatchDeletion],
        isolation: isolated (any Actor)? = #isolation
    ) async throws -> BatchDeleteResult {
        for (index, deletion) in deletions.enumerated() where deletion.key.count != plan.keyColumns.count {
            throw PostgresError.invalidArgument(
                "deletion \(index) has \(deletion.key.count) key values for \(plan.keyColumns.count) key columns",
                operation: "BatchDelete")
        }
        guard !deletions.isEmpty else { return BatchDeleteResult(received: 0, deleted: 0) }
        return try await atomically(isolation: isolation) { transaction in
            let types = try await plan.columnTypes(on: transaction)
            var arrays: [String?] = []
            for (index, name) in plan.keyColumns.enumerated() {
                arrays.append(try PostgresTextEncoding.arrayLiteral(
                    deletions.lazy.map { Optional($0.key[index]) }, column: name))
            }
            arrays.append(try PostgresTextEncoding.arrayLiteral(
                deletions.lazy.map { Optional($0.version) }, column: plan.versionColumn))
            let deleted = try await transaction.execute(plan.deleteSQL(types: types), arrays)
            return BatchDeleteResult(received: deletions.count, deleted: deleted)
        }
    }
}

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
