/// The SQL text of the batch paths. Every name is quoted; every type comes from the
/// table's catalog (`format_type`), never from the caller.
extension BatchUpsert {
    /// Extra column carrying each row's position, so the later of two equal versions wins.
    static let ordinalColumn = "crmb_batch_ordinal"

    static func quote(_ name: String) -> String { PostgresIdentifier.quote(name) }

    var quotedColumns: String { columnNames.map(Self.quote).joined(separator: ", ") }
    var quotedKeys: String { keyColumns.map(Self.quote).joined(separator: ", ") }
    var quotedVersion: String { Self.quote(versionColumn) }

    /// Newest version first, NULL versions last, later rows first on a tie.
    var newestFirstOrder: String {
        "\(quotedKeys), \(quotedVersion) DESC NULLS LAST, \(Self.quote(Self.ordinalColumn)) DESC"
    }

    /// `ON CONFLICT (keys) DO UPDATE SET … WHERE stored version is older`.
    var onConflictClause: String {
        let updatable = columns.filter { column in
            !keyColumns.contains(column.name) && (column.applyUpdates || column.name == versionColumn)
        }
        let assignments = updatable
            .map { "\(Self.quote($0.name)) = EXCLUDED.\(Self.quote($0.name))" }
            .joined(separator: ", ")
        return "ON CONFLICT (\(quotedKeys)) DO UPDATE SET \(assignments) "
            + "WHERE target.\(quotedVersion) IS NULL OR target.\(quotedVersion) < EXCLUDED.\(quotedVersion)"
    }

    /// Wraps an `INSERT … ON CONFLICT` so the statement answers inserted and updated counts.
    /// (`xmax = 0` holds for a freshly inserted row version, not for an updated one.)
    func countingInsert(selecting source: String) -> String {
        """
        WITH written AS (
          INSERT INTO \(table.quoted) AS target (\(quotedColumns))
          \(source)
          \(onConflictClause)
          RETURNING (xmax = 0) AS inserted
        )
        SELECT count(*) FILTER (WHERE inserted) AS inserted, count(*) FILTER (WHERE NOT inserted) AS updated
        FROM written
        """
    }

    /// `unnest($1::text[], …) WITH ORDINALITY` with every value cast to its column's type.
    static func typedUnnest(names: [String], types: [String: String]) -> String {
        let casts = names.enumerated().map { index, name -> String in
            let type = types[name] ?? "text"
            let cast = type == "text" ? "" : "::\(type)"
            return "u.\(quote(name))\(cast) AS \(quote(name))"
        }
        let arrays = names.indices.map { "$\($0 + 1)::text[]" }.joined(separator: ", ")
        let aliases = (names + [ordinalColumn]).map(quote).joined(separator: ", ")
        return "SELECT \(casts.joined(separator: ", ")), u.\(quote(ordinalColumn)) "
            + "FROM unnest(\(arrays)) WITH ORDINALITY AS u(\(aliases))"
    }

    func unnestUpsertSQL(types: [String: String]) -> String {
        let typed = Self.typedUnnest(names: columnNames, types: types)
        let source = "SELECT DISTINCT ON (\(quotedKeys)) \(quotedColumns) FROM (\(typed)) AS typed "
            + "ORDER BY \(newestFirstOrder)"
        return countingInsert(selecting: source)
    }

    func createStagingSQL(_ staging: String) -> String {
        "CREATE TEMP TABLE \(Self.quote(staging)) ON COMMIT DROP AS "
            + "SELECT \(quotedColumns), 0::bigint AS \(Self.quote(Self.ordinalColumn)) "
            + "FROM \(table.quoted) WITH NO DATA"
    }

    func copyStagingSQL(_ staging: String) -> String {
        "COPY pg_temp.\(Self.quote(staging)) (\(quotedColumns), \(Self.quote(Self.ordinalColumn))) FROM STDIN"
    }

    func mergeStagingSQL(_ staging: String) -> String {
        countingInsert(selecting: "SELECT DISTINCT ON (\(quotedKeys)) \(quotedColumns) "
            + "FROM pg_temp.\(Self.quote(staging)) ORDER BY \(newestFirstOrder)")
    }

    func deleteSQL(types: [String: String]) -> String {
        let names = keyColumns + [versionColumn]
        let typed = Self.typedUnnest(names: names, types: types)
        let matches = keyColumns.map { "target.\(Self.quote($0)) = input.\(Self.quote($0))" }
        return """
            WITH input AS (
              SELECT DISTINCT ON (\(quotedKeys)) \(names.map(Self.quote).joined(separator: ", "))
              FROM (\(typed)) AS typed
              ORDER BY \(newestFirstOrder)
            )
            DELETE FROM \(table.quoted) AS target USING input
            WHERE \(matches.joined(separator: " AND "))
              AND (target.\(quotedVersion) IS NULL OR target.\(quotedVersion) <= input.\(quotedVersion))
            """
    }
}
