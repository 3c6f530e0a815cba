import Config
import PostgresBridge

/// The ids one full load of an entity saw, kept in Campaign's database
/// (`crmbridge.full_loads` and one table per load, `crmbridge.load_seen_<load id>`), so that
/// the rows of the entity's table the load did not see are found by an anti-join read in
/// keyset pages: the reader's memory stays flat whatever the number of records.
///
/// The life of a load: `begin` (forgets the entity's earlier loads, finished or cut short,
/// and drops their tables), `record` for every page read, `unseen` page after page once
/// every page is read, then `finish`. A load cut short by a crash is never reconciled: the
/// next run begins a new one. The ledger's tables are unlogged, so a database crash empties
/// them; every page of `unseen` checks, in the same statement, that the load is still known,
/// and throws `FullLoadInterrupted` otherwise, rather than take every row for unseen.
///
/// While the load runs, its table has no index at all: `record` only appends (an id read
/// twice is appended twice, which the anti-join does not mind). An index on random CRM ids
/// maintained row by row cost PostgreSQL more per id than the append and grew with the
/// table (docs/performance.md, "Scale"); the one index the anti-join needs is built once,
/// by the first page of `unseen`, a single sort within `maintenance_work_mem`.
public struct FullLoadLedger: Sendable {
    public let loadID: Int64
    public let entity: String
    let database: any PostgresQueryable

    /// The load's table of ids, schema-qualified (built from the numeric load id only).
    var seenTable: String { "crmbridge.load_seen_\(loadID)" }

    /// Starts a load of `entity`, forgetting its earlier ones (their tables go with them,
    /// and so do the tables of loads a database crash made unknown).
    public static func begin(entity: String, in database: any PostgresQueryable) async throws -> FullLoadLedger {
        let loadID = try await database.atomically(isolation: #isolation) { tx -> Int64? in
            try await tx.execute("DELETE FROM crmbridge.full_loads WHERE entity = $1", [entity])
            let rows = try await tx.query(
                "INSERT INTO crmbridge.full_loads (load_id, entity) VALUES (nextval('crmbridge.full_load_ids'), $1) RETURNING load_id",
                [entity])
            guard let loadID = try rows.int64(0, "load_id") else { return nil }
            let stale = try await tx.query(
                """
                SELECT c.relname::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'crmbridge' AND c.relkind = 'r' AND c.relname ~ '^load_seen_[0-9]+$'
                  AND substr(c.relname::text, 11)::bigint NOT IN (SELECT load_id FROM crmbridge.full_loads)
                """, [])
            for row in 0..<stale.rowCount {
                guard let name = stale[row, "name"] else { continue }
                try await tx.executeScript("DROP TABLE IF EXISTS crmbridge.\(PostgresIdentifier.quote(name))")
            }
            try await tx.executeScript("CREATE UNLOGGED TABLE crmbridge.load_seen_\(loadID) (crm_id text NOT NULL)")
            return loadID
        }
        guard let loadID else {
            throw FullLoadInterrupted("entity \(entity): the full load could not be registered")
        }
        return FullLoadLedger(loadID: loadID, entity: entity, database: database)
    }

    /// Records ids the load read (appended; an id read twice is harmless).
    public func record(_ ids: [String]) async throws {
        guard !ids.isEmpty else { return }
        let appended: Int
        do {
            appended = try await database.execute(
                """
                INSERT INTO \(seenTable) (crm_id) SELECT u FROM unnest($2::text[]) u
                WHERE EXISTS (SELECT 1 FROM crmbridge.full_loads WHERE load_id = $1::bigint)
                """,
                [String(loadID), PostgresArrayLiteral.text(ids)])
        } catch let error as PostgresError where error.sqlState == "42P01" {
            throw forgotten  // undefined_table: another reader's load of the entity dropped it
        }
        // Nothing appended: the load's row is gone (another reader began a load of the
        // entity, or the database crashed); this load can no longer be reconciled.
        guard appended > 0 else { throw forgotten }
    }

    private var forgotten: FullLoadInterrupted {
        FullLoadInterrupted("entity \(entity): full load \(loadID) was forgotten while it ran")
    }

    /// One page of the rows of `entity`'s table the load did not see, in the order of the
    /// id column: at most `scanning` rows of the table are looked at per call, so each
    /// statement stays short whatever the table's size. Rows without an id and rows
    /// already soft-deleted are skipped. Pass the page's `next` to the next call; nil
    /// means the table was read to its end.
    public func unseen(
        in entity: EntityConfig, after cursor: String?, scanning: Int = 10_000
    ) async throws -> UnseenPage {
        let statement = try UnseenStatement(entity: entity, seenTable: seenTable)
        let sql = cursor == nil ? statement.firstPage : statement.nextPage
        let parameters = [String(loadID), String(max(scanning, 1))] + (cursor.map { [$0] } ?? [])
        let rows: PostgresRows
        do {
            if cursor == nil {
                // The one index of the load, built once every id is in (a reconciliation
                // started again from its first page finds it built).
                try await database.executeScript(
                    "CREATE INDEX IF NOT EXISTS load_seen_\(loadID)_crm_id ON \(seenTable) (crm_id); ANALYZE \(seenTable)")
            }
            rows = try await database.query(sql, parameters)
        } catch let error as PostgresError where error.sqlState == "42P01" {
            throw FullLoadInterrupted(
                "entity \(self.entity): full load \(loadID) was forgotten (another reader began a load); its deletes are not published")
        }
        var ids: [String] = []
        var last: String?
        var scanned = 0
        var known = false
        for row in 0..<rows.rowCount {
            switch rows[row, "kind"] {
            case "unseen": if let id = rows[row, "id"] { ids.append(id) }
            case "last": last = rows[row, "id"]
            case "load": known = true
            case "scanned": scanned = Int(rows[row, "id"] ?? "") ?? 0
            default: break
            }
        }
        guard known else {
            throw FullLoadInterrupted(
                "entity \(self.entity): full load \(loadID) is no longer in crmbridge.full_loads "
                    + "(the database restarted after a crash, or another reader began a load); its deletes are not published")
        }
        return UnseenPage(ids: ids, next: scanned >= max(scanning, 1) ? last : nil)
    }

    /// Forgets the load and drops its ids.
    public func finish() async throws {
        try await database.atomically(isolation: #isolation) { tx in
            try await tx.execute("DELETE FROM crmbridge.full_loads WHERE load_id = $1", [String(loadID)])
            try await tx.executeScript("DROP TABLE IF EXISTS \(seenTable)")
        }
    }

    /// Rows of a table a full load did not see, and where the next page starts.
    public struct UnseenPage: Sendable, Equatable {
        public var ids: [String]
        /// The last id looked at; nil when the table has no more rows.
        public var next: String?
    }
}

/// A full load's ledger is gone (database crash, another reader's load of the same
/// entity): the load cannot tell what it saw, so it publishes no deletes. Retriable: the
/// next run loads again.
public struct FullLoadInterrupted: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
