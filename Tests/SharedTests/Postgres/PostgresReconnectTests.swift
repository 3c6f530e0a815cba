import CoreValues
import PostgresBridge
import TestSupport
import Testing

/// These tests restart PostgreSQL, so each one has a cluster of its own.
@Suite struct PostgresReconnectTests {
    @Test func afterARestartTheNextQueryReconnectsAndWorks() async throws {
        let server = try await TestPostgres.makePrivate()
        let connection = try await PostgresConnection.connect(url: Secret(server.adminURL), logger: TestPostgres.logger)
        let before = try await connection.backendPID()
        #expect(try await connection.query("SELECT 1 AS one").int(0, "one") == 1)

        try await server.restart()

        #expect(try await connection.query("SELECT 2 AS two").int(0, "two") == 2)
        #expect(try await connection.backendPID() != before)
        await connection.close()
        try await server.stop()
    }

    @Test func aRestartInsideATransactionFailsItRetriablyAndTheNextCallWorks() async throws {
        let server = try await TestPostgres.makePrivate()
        let connection = try await PostgresConnection.connect(url: Secret(server.adminURL), logger: TestPostgres.logger)
        try await connection.execute("CREATE TABLE items (name text)")
        let error = await #expect(throws: PostgresError.self) {
            try await connection.transaction { transaction in
                try await transaction.execute("INSERT INTO items VALUES ('lost')")
                try await server.restart()
                try await transaction.execute("INSERT INTO items VALUES ('never')")
            }
        }
        #expect(error?.isRetriable == true)
        #expect(error?.code == .connectionLost)
        #expect(try await connection.query("SELECT count(*) AS n FROM items").int(0, "n") == 0)
        await connection.close()
        try await server.stop()
    }

    @Test func whileTheServerIsDownCallsFailRetriablyAfterBoundedAttempts() async throws {
        let server = try await TestPostgres.makePrivate()
        let configuration = PostgresConfiguration(
            url: Secret(server.adminURL),
            reconnect: .init(maxAttempts: 3, initialBackoff: .milliseconds(20), maxBackoff: .milliseconds(50)))
        let connection = try await PostgresConnection.connect(configuration: configuration, logger: TestPostgres.logger)
        try await server.stopServer()

        let error = await #expect(throws: PostgresError.self) { try await connection.query("SELECT 1") }
        #expect(error?.code == .connection)
        #expect(error?.isRetriable == true)

        try await server.startServer()
        #expect(try await connection.query("SELECT 3 AS three").int(0, "three") == 3)
        await connection.close()
        try await server.stop()
    }

    @Test func aListeningConnectionListensAgainAfterARestart() async throws {
        let server = try await TestPostgres.makePrivate()
        let listener = try await PostgresConnection.connect(url: Secret(server.adminURL), logger: TestPostgres.logger)
        try await listener.listen(channel: "events")

        try await server.restart()

        // The listener reconnects by itself (nobody calls it); notify until one arrives.
        let sender = try await PostgresConnection.connect(url: Secret(server.adminURL), logger: TestPostgres.logger)
        let received = try await TestPostgres.withDeadline(.seconds(30)) {
            let keepSending = Task {
                var count = 0
                while !Task.isCancelled {
                    count += 1
                    try? await sender.notify(channel: "events", payload: "after restart \(count)")
                    try? await Task.sleep(for: .milliseconds(100))
                }
            }
            defer { keepSending.cancel() }
            for await notification in listener.notifications { return Optional(notification) }
            return nil
        }
        #expect(received?.channel == "events")
        #expect(received?.payload.hasPrefix("after restart") == true)
        await sender.close()
        await listener.close()
        try await server.stop()
    }
}
