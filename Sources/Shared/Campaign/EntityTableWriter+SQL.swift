import Config
import PostgresBridge

/// The two statements of an entity, built once from validated, quoted identifiers.
/// Values always travel as parameters: one text array per column, cast to the
/// column's type (`unnest`), so a batch of any size is one statement.
extension EntityTableWriter {
    /// The rows go in ordered by id: CRM ids are random, so in arrival order each row lands
    /// on another page of the id's unique index; in id order neighbours share pages. That
    /// took 15-25% off PostgreSQL's CPU per row at 250,000-1,000,000 rows, where COPY into a
    /// staging table saved nothing (docs/performance.md "Scale"), and it gives concurrent
    /// writers one lock order.
    static func upsertStatement(entity: EntityConfig, schema: CampaignTableSchema) -> String {
        let q = PostgresIdentifier.quote
        let table = schema.table.quoted
        let columns = [entity.idColumn, entity.modifiedColumn] + entity.fields.map(\.column)
        let inputs = columns.indices.map { "c\($0)" }
        let params = columns.indices.map { "$\($0 + 1)::text[]" }.joined(separator: ", ")
        let tableParam = "$\(columns.count + 1)"
        let casts = zip(columns, inputs).map { column, input in
            "\(input)::\(schema.columnTypes[column] ?? "text")"
        }
        var targets = columns.map(q)
        var values = casts
        var updates = [q(entity.modifiedColumn) + " = EXCLUDED." + q(entity.modifiedColumn)]
        updates += entity.fields.filter(\.applyUpdates).map { q($0.column) + " = EXCLUDED." + q($0.column) }
        if let soft = entity.deletes.softDeleteColumn {
            // A record that comes back (newer than its delete) is live again.
            targets.append(q(soft))
            values.append("false")
            updates.append(q(soft) + " = false")
        }
        let modified = q(entity.modifiedColumn)
        return """
            INSERT INTO \(table) AS t (\(targets.joined(separator: ", ")))
            SELECT \(values.joined(separator: ", "))
            FROM unnest(\(params)) AS u(\(inputs.joined(separator: ", ")))
            WHERE NOT EXISTS (
                SELECT 1 FROM crmbridge.tombstones d
                WHERE d.target_table = \(tableParam) AND d.crm_id = u.c0 AND d.deleted_at >= u.c1::timestamptz)
            ORDER BY u.c0
            ON CONFLICT (\(q(entity.idColumn))) DO UPDATE SET \(updates.joined(separator: ", "))
            WHERE t.\(modified) IS NULL OR t.\(modified) < EXCLUDED.\(modified)
            """
    }

    static func deleteStatement(entity: EntityConfig, schema: CampaignTableSchema) -> String {
        let q = PostgresIdentifier.quote
        let table = schema.table.quoted
        let id = q(entity.idColumn)
        let modified = q(entity.modifiedColumn)
        let input = "SELECT * FROM unnest($1::text[], $2::text[]) AS d(id, at_text)"
        if let soft = entity.deletes.softDeleteColumn {
            // The delete's time becomes the row's version, so an older upsert replayed
            // later cannot make the row live again.
            return """
                UPDATE \(table) AS t SET \(q(soft)) = true, \(modified) = d.at_text::timestamptz
                FROM (\(input)) AS d
                WHERE t.\(id) = d.id AND (t.\(modified) IS NULL OR t.\(modified) <= d.at_text::timestamptz)
                  AND $3::text IS NOT NULL
                """
        }
        return """
            WITH d AS (\(input)),
            gone AS (
                DELETE FROM \(table) AS t USING d
                WHERE t.\(id) = d.id AND (t.\(modified) IS NULL OR t.\(modified) <= d.at_text::timestamptz)
                RETURNING t.\(id))
            INSERT INTO crmbridge.tombstones (target_table, crm_id, deleted_at)
            SELECT $3, d.id, d.at_text::timestamptz FROM d
            ON CONFLICT (target_table, crm_id) DO UPDATE
                SET deleted_at = GREATEST(crmbridge.tombstones.deleted_at, EXCLUDED.deleted_at)
            """
    }
}
