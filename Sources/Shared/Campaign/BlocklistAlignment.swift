import PostgresBridge

/// What opt-in-out's initial alignment (docs/opt-in-out.md, "Initial alignment") asks of
/// Campaign's profiles table:
///
/// - on the CRM side, which contacts have a profile at all: the CRM reader publishes the
///   flag of those only (a contact without a profile has nothing to align with, and must
///   not become an `unknown-profile` reject for every such contact);
/// - on the Campaign side, the profiles that hold an opt-out of their own but were never
///   stamped (set before the stamp DDL ran): they are stamped once, so the Campaign
///   reader reads them like any change. An "unset" profile (flag false, no time) has no
///   opinion and is not stamped: it takes the CRM's value instead.
public struct BlocklistAlignment: Sendable {
    public let table: BlocklistTable

    public init(table: BlocklistTable) {
        self.table = table
    }

    /// Which of `crmIDs` a profile has (matched exactly, as the writer matches them).
    public func profiles(_ crmIDs: [String], on database: any PostgresQueryable) async throws -> Set<String> {
        guard !crmIDs.isEmpty else { return [] }
        let t = table
        let rows = try await database.query(
            "SELECT \(t.id)::text AS crm_id FROM \(t.table.quoted) WHERE \(t.id)::text = ANY($1::text[])",
            [PostgresArrayLiteral.text(crmIDs)])
        var found: Set<String> = []
        for row in 0..<rows.rowCount {
            if let id = try rows.string(row, "crm_id") { found.insert(id) }
        }
        return found
    }

    /// Stamps up to `limit` profiles that have a CRM id and an opt-out state of their own
    /// (flag set, or a flag time) but no stamp yet, in one transaction that is not a sync
    /// transaction (so the reader publishes them); answers how many. Rows locked by
    /// another transaction are left for the next call.
    public func stampUnread(limit: Int, on database: any PostgresQueryable) async throws -> Int {
        let t = table
        let rows = try await database.query(
            """
            WITH pick AS (
                SELECT ctid FROM \(t.table.quoted)
                WHERE \(t.stamp) IS NULL AND \(t.id) IS NOT NULL AND (\(t.flag) OR \(t.time) IS NOT NULL)
                LIMIT $1 FOR UPDATE SKIP LOCKED
            ),
            stamped AS (
                UPDATE \(t.table.quoted) p SET \(t.stamp) = pg_current_xact_id() FROM pick WHERE p.ctid = pick.ctid
                RETURNING 1
            )
            SELECT count(*)::text AS stamped FROM stamped
            """,
            [String(max(1, limit))])
        return Int(try rows.string(0, "stamped") ?? "0") ?? 0
    }
}
