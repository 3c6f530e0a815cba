import CoreValues
import PostgresBridge
import TestSupport
import Testing

/// A role's connection lives in one scope and is closed on every path out of it.
@Suite struct PostgresScopedConnectionTests {
    struct SetupFailed: Error {}

    func sessions(_ admin: PostgresConnection, named name: String) async throws -> Int {
        try await admin.query(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1", [name]).int(0, "n") ?? -1
    }

    @Test func theConnectionIsClosedWhenTheScopeThrows() async throws {
        let url = try await TestPostgres.shared().freshDatabase()
        let admin = try await PostgresConnection.connect(url: Secret(url), logger: TestPostgres.logger)
        let name = "crmbridge-scope-throws"
        await #expect(throws: SetupFailed.self) {
            try await PostgresConnection.withConnection(
                configuration: PostgresConfiguration(url: Secret(url), applicationName: name), logger: TestPostgres.logger
            ) { _ in
                #expect(try await sessions(admin, named: name) == 1)
                throw SetupFailed()
            }
        }
        try await eventually("the scope's session to end") { try await sessions(admin, named: name) == 0 }
        await admin.close()
    }

    @Test func theConnectionIsClosedWhenTheScopeReturns() async throws {
        let url = try await TestPostgres.shared().freshDatabase()
        let admin = try await PostgresConnection.connect(url: Secret(url), logger: TestPostgres.logger)
        let name = "crmbridge-scope-returns"
        let answer = try await PostgresConnection.withConnection(
            configuration: PostgresConfiguration(url: Secret(url), applicationName: name), logger: TestPostgres.logger
        ) { connection in
            try await connection.query("SELECT 42 AS answer").int(0, "answer")
        }
        #expect(answer == 42)
        try await eventually("the scope's session to end") { try await sessions(admin, named: name) == 0 }
        await admin.close()
    }
}
