import Config
import PostgresBridge

extension FullLoadLedger {
    /// The keyset page of an entity's table with the rows the load did not see, built from
    /// validated, quoted identifiers, and the load's own table of ids. Parameters: `$1` the load id, `$2` how many rows of
    /// the table to look at, `$3` the id after which to start (next pages only).
    ///
    /// One statement answers everything, in one snapshot: the unseen ids, the last id
    /// looked at, how many were looked at, and whether the load is still known. So a crash
    /// of the database between two pages (which empties the unlogged ledger) can never
    /// make every row look unseen.
    struct UnseenStatement {
        let firstPage: String
        let nextPage: String

        init(entity: EntityConfig, seenTable: String) throws {
            let table: PostgresIdentifier
            do {
                table = try PostgresIdentifier(validating: entity.table)
            } catch {
                throw CampaignSchemaMismatch("entity \(entity.name): table name \"\(entity.table)\" is not valid: \(error)")
            }
            let id = "t." + PostgresIdentifier.quote(entity.idColumn)
            let live = entity.deletes.softDeleteColumn.map { "NOT t." + PostgresIdentifier.quote($0) } ?? "true"
            func statement(_ start: String) -> String {
                """
                WITH page AS MATERIALIZED (
                    SELECT \(id) AS key, \(live) AS live FROM \(table.quoted) t
                    WHERE \(start) ORDER BY \(id) LIMIT $2::bigint),
                load AS MATERIALIZED (SELECT 1 FROM crmbridge.full_loads WHERE load_id = $1::bigint)
                SELECT 'unseen' AS kind, p.key::text AS id FROM page p
                WHERE p.live AND EXISTS (SELECT 1 FROM load)
                  AND NOT EXISTS (
                    SELECT 1 FROM \(seenTable) s WHERE s.crm_id = p.key::text)
                UNION ALL
                SELECT 'last', (SELECT key::text FROM page ORDER BY key DESC LIMIT 1)
                UNION ALL
                SELECT 'scanned', (SELECT count(*) FROM page)::text
                UNION ALL
                SELECT 'load', NULL FROM load
                """
            }
            firstPage = statement("\(id) IS NOT NULL")
            nextPage = statement("\(id) > $3")
        }
    }
}
