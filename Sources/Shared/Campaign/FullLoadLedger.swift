import Config
import PostgresBridge

/// The ids one full load of an entity saw, kept in Campaign's database
/// (`crmbridge.full_loads`, `crmbridge.load_seen`), so that the rows of the entity's table
/// the load did not see are found by an anti-join read in keyset pages: the reader's
/// memory stays flat whatever the number of records.
///
/// The life of a load: `begin` (forgets the entity's earlier loads, finished or cut short),
/// `record` for every page read, `unseen` page after page once every page is read, then
/// `finish`. A load cut short by a crash is never reconciled: the next run begins a new
/// one. The ledger's tables are unlogged, so a database crash empties them; every page of
/// `unseen` checks, in the same statement, that the load is still known, and throws
/// `FullLoadInterrupted` otherwise, rather than take every row for unseen.
public struct FullLoadLedger: Sendable {
    public let loadID: Int64
    public let entity: String
    let database: any PostgresQueryable

    /// Starts a load of `entity`, forgetting its earlier ones (their ids go with them).
    public static func begin(entity: String, in database: any PostgresQueryable) async throws -> FullLoadLedger {
        let loadID = try await database.atomically(isolation: #isolation) { tx in
            try await tx.execute("DELETE FROM crmbridge.full_loads WHERE entity = $1", [entity])
            let rows = try await tx.query(
                "INSERT INTO crmbridge.full_loads (load_id, entity) VALUES (nextval('crmbridge.full_load_ids'), $1) RETURNING load_id",
                [entity])
            return try rows.int64(0, "load_id")
        }
        guard let loadID else {
            throw FullLoadInterrupted("entity \(entity): the full load could not be registered")
        }
        return FullLoadLedger(loadID: loadID, entity: entity, database: database)
    }

    /// Records ids the load read; an id read twice is kept once.
    public func record(_ ids: [String]) async throws {
        guard !ids.isEmpty else { return }
        do {
            try await database.execute(
                "INSERT INTO crmbridge.load_seen (load_id, crm_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING",
                [String(loadID), PostgresArrayLiteral.text(ids)])
        } catch let error as PostgresError where error.sqlState == "23503" {
            // foreign_key_violation: the load's row is gone (another reader began a load of
            // the entity, or the database crashed); this load can no longer be reconciled.
            throw FullLoadInterrupted("entity \(entity): full load \(loadID) was forgotten while it ran")
        }
    }

    /// One page of the rows of `entity`'s table the load did not see, in the order of the
    /// id column: at most `scanning` rows of the table are looked at per call, so each
    /// statement stays short whatever the table's size. Rows without an id and rows
    /// already soft-deleted are skipped. Pass the page's `next` to the next call; nil
    /// means the table was read to its end.
    public func unseen(
        in entity: EntityConfig, after cursor: String?, scanning: Int = 10_000
    ) async throws -> UnseenPage {
        let statement = try UnseenStatement(entity: entity)
        let sql = cursor == nil ? statement.firstPage : statement.nextPage
        let parameters = [String(loadID), String(max(scanning, 1))] + (cursor.map { [$0] } ?? [])
        let rows = try await database.query(sql, parameters)
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

    /// Forgets the load and its ids.
    public func finish() async throws {
        try await database.execute("DELETE FROM crmbridge.full_loads WHERE load_id = $1", [String(loadID)])
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
