import CoreValues
import Campaign
import Config
import Foundation
import Logging
import PostgresBridge
import TestSupport
import Testing
import WorkflowRuntime

/// The ledger a full load keeps in Campaign's database, on a real PostgreSQL: the rows a
/// load did not see come back exactly, page after page, and a ledger that lost its load
/// (what a database crash does to unlogged tables) refuses to answer rather than take
/// every row for unseen.
@Suite struct FullLoadLedgerTests {
    private func database() async throws -> PostgresConnection {
        let url = try await TestPostgres.shared().freshDatabase()
        let database = try await PostgresConnection.connect(url: Secret(url), logger: Logger(label: "test"))
        try await BridgeSchema.createIfMissing(on: database)
        try await database.executeScript("""
            CREATE TABLE members (crm_id text UNIQUE, crm_modified_at timestamptz, gone boolean NOT NULL DEFAULT false);
            """)
        return database
    }

    private func entity(softDelete: String? = nil) -> EntityConfig {
        EntityConfig(
            name: "member", remoteObject: "members", remoteIdField: "memberid", lastModifiedField: "modifiedon",
            table: "members", fields: [], deletes: .init(enabled: true, softDeleteColumn: softDelete))
    }

    /// Every unseen row of `entity`, in pages of `scanning` rows looked at; and the number of pages.
    private func allUnseen(_ ledger: FullLoadLedger, _ entity: EntityConfig, scanning: Int) async throws -> ([String], Int) {
        var ids: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let page = try await ledger.unseen(in: entity, after: cursor, scanning: scanning)
            ids += page.ids
            cursor = page.next
            pages += 1
        } while cursor != nil
        return (ids, pages)
    }

    @Test func theRowsALoadDidNotSeeComeBackExactlyAcrossManyPages() async throws {
        let database = try await database()
        defer { Task { await database.close() } }
        let all = (0..<2_000).map { String(format: "id-%05d", ($0 * 7_919) % 2_000) }
        _ = try await database.execute(
            "INSERT INTO members (crm_id, crm_modified_at) SELECT unnest($1::text[]), now()", [PostgresArrayLiteral.text(all)])
        // Campaign's own profiles without a CRM id are never the CRM's to delete.
        _ = try await database.execute("INSERT INTO members (crm_id) SELECT NULL FROM generate_series(1, 50)")
        let seen = all.enumerated().filter { $0.offset % 9 != 4 }.map(\.element)
        let missing = Set(all).subtracting(seen)

        let ledger = try await FullLoadLedger.begin(entity: "member", in: database)
        for start in stride(from: 0, to: seen.count, by: 300) {
            try await ledger.record(Array(seen[start..<min(start + 300, seen.count)]))
        }
        try await ledger.record(Array(seen.prefix(100)))  // read twice: kept once
        let (unseen, pages) = try await allUnseen(ledger, entity(), scanning: 128)
        #expect(Set(unseen) == missing)
        #expect(unseen.count == missing.count, "no id twice")
        #expect(pages >= 2_000 / 128, "the table was read in \(pages) pages")

        try await ledger.finish()
        #expect(try await ledgerTables(database) == [], "finish drops the load's table")
        #expect(try await database.query("SELECT count(*) AS n FROM crmbridge.full_loads").int(0, "n") == 0)
    }

    /// The tables of ids that exist, by name.
    private func ledgerTables(_ database: PostgresConnection) async throws -> [String] {
        try await database.query(
            "SELECT tablename::text AS name FROM pg_tables WHERE schemaname = 'crmbridge' AND tablename LIKE 'load_seen%' ORDER BY 1"
        ).compactMap { $0["name"] }
    }

    /// The ids are appended to a table without an index while the load runs (an index on
    /// random ids maintained row by row grew costlier with the table); the anti-join's
    /// index is built once, by the reconciliation's first page.
    @Test func theLoadAppendsToAnUnindexedTableAndTheReconciliationIndexesItOnce() async throws {
        let database = try await database()
        defer { Task { await database.close() } }
        _ = try await database.execute("INSERT INTO members (crm_id) SELECT 'id-' || g FROM generate_series(1, 500) g")
        let ledger = try await FullLoadLedger.begin(entity: "member", in: database)
        let indexes = "SELECT count(*) AS n FROM pg_indexes WHERE schemaname = 'crmbridge' AND tablename = 'load_seen_\(ledger.loadID)'"
        for start in stride(from: 1, through: 400, by: 100) {
            try await ledger.record((start..<start + 100).map { "id-\($0)" })
        }
        #expect(try await database.query(indexes).int(0, "n") == 0, "no index while the load appends")
        let (unseen, _) = try await allUnseen(ledger, entity(), scanning: 64)
        #expect(Set(unseen) == Set((401...500).map { "id-\($0)" }))
        #expect(try await database.query(indexes).int(0, "n") == 1, "one index for the anti-join")
        // A reconciliation started again from its first page (a retry) finds it built.
        let (again, _) = try await allUnseen(ledger, entity(), scanning: 64)
        #expect(Set(again) == Set(unseen))
        #expect(try await database.query(indexes).int(0, "n") == 1)
    }

    @Test func softDeletedRowsAreNotDeletedAgain() async throws {
        let database = try await database()
        defer { Task { await database.close() } }
        _ = try await database.execute(
            "INSERT INTO members (crm_id, gone) VALUES ('a', false), ('b', true), ('c', false), ('d', true)")
        let ledger = try await FullLoadLedger.begin(entity: "member", in: database)
        try await ledger.record(["a"])
        let (unseen, _) = try await allUnseen(ledger, entity(softDelete: "gone"), scanning: 1)
        #expect(unseen == ["c"])
    }

    /// A crash of PostgreSQL resets every unlogged table, both of the ledger's together
    /// (TRUNCATE does the same here): the load is unknown, so no page answers.
    @Test func aLedgerEmptiedByADatabaseCrashRefusesToListUnseenRows() async throws {
        let database = try await database()
        defer { Task { await database.close() } }
        _ = try await database.execute("INSERT INTO members (crm_id) SELECT 'id-' || g FROM generate_series(1, 300) g")
        let ledger = try await FullLoadLedger.begin(entity: "member", in: database)
        try await ledger.record((1...300).map { "id-\($0)" })
        let first = try await ledger.unseen(in: entity(), after: nil, scanning: 100)
        #expect(first.ids.isEmpty && first.next != nil)

        try await database.executeScript("TRUNCATE crmbridge.full_loads, crmbridge.load_seen_\(ledger.loadID)")
        await #expect(throws: FullLoadInterrupted.self) {
            _ = try await ledger.unseen(in: entity(), after: first.next, scanning: 100)
        }
        await #expect(throws: FullLoadInterrupted.self) {
            try await ledger.record(["id-1"])
        }
        // The emptied table outlives the crash; the next load (of any entity) drops it.
        #expect(try await ledgerTables(database) == ["load_seen_\(ledger.loadID)"])
        let next = try await FullLoadLedger.begin(entity: "other", in: database)
        #expect(try await ledgerTables(database) == ["load_seen_\(next.loadID)"])
    }

    /// A second load of the entity (a resync, a standby that took over) forgets the first:
    /// the first can no longer publish deletes from a set of ids that stopped growing.
    @Test func beginningALoadForgetsTheEntitysEarlierLoad() async throws {
        let database = try await database()
        defer { Task { await database.close() } }
        _ = try await database.execute("INSERT INTO members (crm_id) VALUES ('a'), ('b')")
        let earlier = try await FullLoadLedger.begin(entity: "member", in: database)
        try await earlier.record(["a"])
        let later = try await FullLoadLedger.begin(entity: "member", in: database)
        #expect(later.loadID != earlier.loadID)
        await #expect(throws: FullLoadInterrupted.self) {
            _ = try await earlier.unseen(in: entity(), after: nil)
        }
        await #expect(throws: FullLoadInterrupted.self) {
            try await earlier.record(["b"])
        }
        let (unseen, _) = try await allUnseen(later, entity(), scanning: 10)
        #expect(Set(unseen) == ["a", "b"])
    }
}
