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
