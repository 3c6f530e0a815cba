import CoreValues
import PostgresBridge
import TestSupport
import Testing

/// A connection with `reconnectsAfterLoss: false` (the lock's): once its session ends, it
/// stays ended and says so.
@Suite struct PostgresNoReconnectTests {
    @Test func aTerminatedSessionIsReportedLostAndNotReopened() async throws {
        let url = try await TestPostgres.shared().freshDatabase()
        let connection = try await PostgresConnection.connect(
            configuration: PostgresConfiguration(url: Secret(url), reconnectsAfterLoss: false), logger: TestPostgres.logger)
        let pid = try await connection.backendPID()
        let admin = try await PostgresConnection.connect(url: Secret(url), logger: TestPostgres.logger)
        _ = try await admin.query("SELECT pg_terminate_backend($1)", [String(pid)])

        for _ in 0..<2 {
            let error = await #expect(throws: PostgresError.self) { try await connection.query("SELECT 1") }
            #expect(error?.code == .connectionLost)
        }
        let sessions = try await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1", [String(pid)])
        #expect(try sessions.int(0, "n") == 0)
        await admin.close()
        await connection.close()
    }

    @Test func aListeningSessionThatEndsFinishesItsNotifications() async throws {
        let url = try await TestPostgres.shared().freshDatabase()
        let connection = try await PostgresConnection.connect(
            configuration: PostgresConfiguration(url: Secret(url), reconnectsAfterLoss: false), logger: TestPostgres.logger)
        try await connection.listen(channel: "watch")
        let pid = try await connection.backendPID()
        let ended = Task { for await _ in connection.notifications {}; return true }
        let admin = try await PostgresConnection.connect(url: Secret(url), logger: TestPostgres.logger)
        _ = try await admin.query("SELECT pg_terminate_backend($1)", [String(pid)])
        #expect(try await TestPostgres.withDeadline(.seconds(30)) { await ended.value })
        await admin.close()
        await connection.close()
    }
}
