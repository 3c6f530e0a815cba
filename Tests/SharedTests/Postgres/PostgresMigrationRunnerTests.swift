import CoreValues
import PostgresBridge
import TestSupport
import Testing

@Suite struct PostgresMigrationRunnerTests {
    /// Non-idempotent migrations (a second CREATE TABLE would fail), slow enough to overlap.
    private let migrations = [
        Migration(version: 1, name: "create things", sql: """
            CREATE TABLE things (id int PRIMARY KEY);
            CREATE TABLE applied_log (version int);
            SELECT pg_sleep(0.2);
            INSERT INTO applied_log VALUES (1);
            """),
        Migration(version: 2, name: "add label", sql: """
            ALTER TABLE things ADD COLUMN label text;
            SELECT pg_sleep(0.2);
            INSERT INTO applied_log VALUES (2);
            """),
        Migration(version: 3, name: "seed", sql: "INSERT INTO things VALUES (1, 'one'); INSERT INTO applied_log VALUES (3);"),
    ]

    @Test func twoRunnersRacingApplyEachMigrationExactlyOnce() async throws {
        let url = try await TestPostgres.shared().freshDatabase()
        let first = try await PostgresConnection.connect(url: Secret(url), logger: TestPostgres.logger)
        let second = try await PostgresConnection.connect(url: Secret(url), logger: TestPostgres.logger)
        let runner = try MigrationRunner(migrations: migrations, logger: TestPostgres.logger)

        async let appliedByFirst = runner.run(on: first)
        async let appliedBySecond = runner.run(on: second)
        let (a, b) = try await (appliedByFirst, appliedBySecond)

        #expect((a + b).sorted() == [1, 2, 3])
        #expect(Set(a).isDisjoint(with: b))
        let log = try await first.query("SELECT version FROM applied_log ORDER BY version")
        #expect(log.map { $0["version"] } == ["1", "2", "3"])
        let recorded = try await first.query("SELECT version, name FROM crmbridge.schema_migrations ORDER BY version")
        #expect(recorded.map { $0["name"] } == ["create things", "add label", "seed"])

        // A later start applies nothing.
        #expect(try await runner.run(on: first) == [])
        await first.close()
        await second.close()
    }

    @Test func aFailingMigrationLeavesNoTraceAndStopsTheRun() async throws {
        let url = try await TestPostgres.shared().freshDatabase()
        let connection = try await PostgresConnection.connect(url: Secret(url), logger: TestPostgres.logger)
        let runner = try MigrationRunner(migrations: [
            Migration(version: 1, name: "ok", sql: "CREATE TABLE a (id int)"),
            Migration(version: 2, name: "broken", sql: "CREATE TABLE b (id int); CREATE TABLE a (id int)"),
        ], logger: TestPostgres.logger)
        let error = await #expect(throws: PostgresError.self) { try await runner.run(on: connection) }
        #expect(error?.sqlState == "42P07")
        let recorded = try await connection.query("SELECT version FROM crmbridge.schema_migrations")
        #expect(recorded.map { $0["version"] } == ["1"])
        #expect(try await connection.query("SELECT to_regclass('b') IS NULL AS missing").bool(0, "missing") == true)
        await connection.close()
    }

    @Test func duplicateVersionsAreRefused() throws {
        #expect(throws: PostgresError.self) {
            try MigrationRunner(migrations: [
                Migration(version: 1, name: "a", sql: "SELECT 1"),
                Migration(version: 1, name: "b", sql: "SELECT 1"),
            ], logger: TestPostgres.logger)
        }
    }
}
