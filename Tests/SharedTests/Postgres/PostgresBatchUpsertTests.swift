import CoreValues
import Foundation
import PostgresBridge
import TestSupport
import Testing

@Suite struct PostgresBatchUpsertTests {
    private func connect() async throws -> PostgresConnection {
        let url = try await TestPostgres.shared().freshDatabase()
        return try await PostgresConnection.connect(url: Secret(url), logger: TestPostgres.logger)
    }

    @Test func hundredThousandRowsLandExactlyThenOlderChangeNothingThenNewerUpdateAll() async throws {
        let connection = try await connect()
        try await PostgresProfilesFixture.createTable("profiles", on: connection)
        let plan = try PostgresProfilesFixture.plan("profiles")
        let count = 100_000

        let first = PostgresProfilesFixture.rows(count: count, generation: 1, baseSeconds: 1_700_000_000)
        let inserted = try await connection.upsert(plan, rows: first)
        #expect(inserted == BatchUpsertResult(received: count, inserted: count, updated: 0))
        let afterFirst = try await PostgresProfilesFixture.checksum("profiles", on: connection)
        #expect(afterFirst.count == count)
        #expect(afterFirst.md5 == (try await PostgresProfilesFixture.expectedChecksum(first, on: connection)))

        let older = PostgresProfilesFixture.rows(count: count, generation: 2, baseSeconds: 1_600_000_000)
        let skipped = try await connection.upsert(plan, rows: older)
        #expect(skipped.applied == 0)
        #expect(skipped.skipped == count)
        #expect(try await PostgresProfilesFixture.checksum("profiles", on: connection) == afterFirst)

        let newer = PostgresProfilesFixture.rows(count: count, generation: 3, baseSeconds: 1_800_000_000)
        let updated = try await connection.upsert(plan, rows: newer)
        #expect(updated == BatchUpsertResult(received: count, inserted: 0, updated: count))
        let afterNewer = try await PostgresProfilesFixture.checksum("profiles", on: connection)
        #expect(afterNewer.count == count)
        #expect(afterNewer.md5 == (try await PostgresProfilesFixture.expectedChecksum(newer, on: connection)))
        #expect(afterNewer.md5 != afterFirst.md5)
        await connection.close()
    }

    @Test(arguments: BatchUpsert.Method.allCases)
    func bothMethodsKeepTheNewestOfDuplicateKeysAndCountWhatTheyDid(method: BatchUpsert.Method) async throws {
        let connection = try await connect()
        try await PostgresProfilesFixture.createTable("profiles", on: connection)
        let plan = try PostgresProfilesFixture.plan("profiles")
        let rows: [[String?]] = [
            ["A", "old", "x", nil, nil, "2026-01-01 00:00:00+00"],
            ["A", "new", "x", nil, nil, "2026-01-02 00:00:00+00"],
            ["A", "older", "x", nil, nil, "2025-12-31 00:00:00+00"],
            ["B", "first tie", "y", nil, nil, "2026-01-01 00:00:00+00"],
            ["B", "last tie", "y", nil, nil, "2026-01-01 00:00:00+00"],
            ["C", "it's \"odd\" \\ {x,y}\tNULL\n", nil, "", "NULL", "2026-01-01 12:00:00+02"],
        ]
        let result = try await connection.upsert(plan, rows: rows, method: method)
        #expect(result == BatchUpsertResult(received: 6, inserted: 3, updated: 0))
        #expect(result.skipped == 3)
        let stored = try await connection.query(
            "SELECT crm_id, first_name, last_name, email, phone, crm_modified_at FROM profiles ORDER BY crm_id")
        #expect(stored.rowCount == 3)
        #expect(stored[0, "first_name"] == "new")
        #expect(stored[1, "first_name"] == "last tie")
        #expect(stored[2, "first_name"] == "it's \"odd\" \\ {x,y}\tNULL\n")
        #expect(stored[2, "last_name"] == nil)
        #expect(stored[2, "email"] == "")
        #expect(stored[2, "phone"] == "NULL")
        #expect(try stored.date(2, "crm_modified_at") == PostgresTimestamp.parse("2026-01-01T10:00:00Z"))

        // Equal version: a re-delivery changes nothing.
        let again = try await connection.upsert(plan, rows: [rows[1]], method: method)
        #expect(again.applied == 0)
        await connection.close()
    }

    @Test(arguments: BatchUpsert.Method.allCases)
    func insertOnlyColumnsAreWrittenOnInsertButNeverUpdated(method: BatchUpsert.Method) async throws {
        let connection = try await connect()
        try await PostgresProfilesFixture.createTable("profiles", on: connection)
        let plan = try BatchUpsert(
            table: PostgresIdentifier("profiles"), keyColumns: ["crm_id"],
            columns: [.init("crm_id"), .init("first_name", applyUpdates: false), .init("email"),
                      .init("crm_modified_at")],
            versionColumn: "crm_modified_at")
        _ = try await connection.upsert(plan, rows: [["K", "kept", "a@x", "2026-01-01 00:00:00+00"]], method: method)
        let result = try await connection.upsert(
            plan, rows: [["K", "ignored", "b@x", "2026-02-01 00:00:00+00"]], method: method)
        #expect(result.updated == 1)
        let stored = try await connection.query("SELECT first_name, email FROM profiles WHERE crm_id = 'K'")
        #expect(stored[0, "first_name"] == "kept")
        #expect(stored[0, "email"] == "b@x")
        await connection.close()
    }

    @Test func deletesRemoveOnlyRowsNotNewerThanTheDelete() async throws {
        let connection = try await connect()
        try await PostgresProfilesFixture.createTable("profiles", on: connection)
        let plan = try PostgresProfilesFixture.plan("profiles")
        _ = try await connection.upsert(plan, rows: [
            ["old", "a", nil, nil, nil, "2026-01-01 00:00:00+00"],
            ["same", "b", nil, nil, nil, "2026-01-05 00:00:00+00"],
            ["newer", "c", nil, nil, nil, "2026-01-10 00:00:00+00"],
        ])
        let result = try await connection.delete(plan, [
            BatchDeletion(key: ["old"], version: "2026-01-05 00:00:00+00"),
            BatchDeletion(key: ["same"], version: "2026-01-05 00:00:00+00"),
            BatchDeletion(key: ["newer"], version: "2026-01-05 00:00:00+00"),
            BatchDeletion(key: ["missing"], version: "2026-01-05 00:00:00+00"),
        ])
        #expect(result == BatchDeleteResult(received: 4, deleted: 2))
        #expect(result.skipped == 2)
        let left = try await connection.query("SELECT crm_id FROM profiles ORDER BY crm_id")
        #expect(left.map { $0["crm_id"] } == ["newer"])
        await connection.close()
    }

    @Test func aMissingColumnIsASchemaMismatchNamingIt() async throws {
        let connection = try await connect()
        try await PostgresProfilesFixture.createTable("profiles", on: connection)
        let plan = try BatchUpsert(table: PostgresIdentifier("profiles"), keyColumns: ["crm_id"],
                                   columns: ["crm_id", "nickname", "crm_modified_at"], versionColumn: "crm_modified_at")
        let error = await #expect(throws: PostgresError.self) {
            try await connection.upsert(plan, rows: [["X", "n", "2026-01-01 00:00:00+00"]])
        }
        #expect(error?.code == .schemaMismatch)
        #expect(error?.description.contains("nickname") == true)
        await connection.close()
    }

    @Test func badRowsAreRefusedWithAClearError() async throws {
        let connection = try await connect()
        try await PostgresProfilesFixture.createTable("profiles", on: connection)
        let plan = try PostgresProfilesFixture.plan("profiles")
        let narrow = await #expect(throws: PostgresError.self) {
            try await connection.upsert(plan, rows: [["X", "only two"]])
        }
        #expect(narrow?.code == .invalidArgument)
        let nullKey = await #expect(throws: PostgresError.self) {
            try await connection.upsert(plan, rows: [[nil, "a", "b", nil, nil, "2026-01-01 00:00:00+00"]])
        }
        #expect(nullKey?.code == .invalidArgument)
        let nulByte = await #expect(throws: PostgresError.self) {
            try await connection.upsert(plan, rows: [["X", "a\u{0}b", "b", nil, nil, "2026-01-01 00:00:00+00"]])
        }
        #expect(nulByte?.code == .invalidArgument)
        #expect(try await connection.query("SELECT count(*) AS n FROM profiles").int(0, "n") == 0)
        await connection.close()
    }
}
