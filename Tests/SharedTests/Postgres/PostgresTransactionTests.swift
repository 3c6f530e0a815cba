import CoreValues
import PostgresBridge
import TestSupport
import Testing

@Suite struct PostgresTransactionTests {
    private struct Abort: Error {}

    private func connectWithTable() async throws -> PostgresConnection {
        let url = try await TestPostgres.shared().freshDatabase()
        let connection = try await PostgresConnection.connect(url: Secret(url), logger: TestPostgres.logger)
        try await connection.execute("CREATE TABLE items (name text PRIMARY KEY)")
        return connection
    }

    private func names(_ connection: PostgresConnection) async throws -> [String?] {
        try await connection.query("SELECT name FROM items ORDER BY name").map { $0["name"] }
    }

    @Test func aTransactionCommitsWhatItsBodyWrote() async throws {
        let connection = try await connectWithTable()
        let written = try await connection.transaction { transaction in
            try await transaction.execute("INSERT INTO items VALUES ($1)", ["a"])
            return try await transaction.execute("INSERT INTO items VALUES ($1)", ["b"])
        }
        #expect(written == 1)
        #expect(try await names(connection) == ["a", "b"])
        await connection.close()
    }

    @Test func aThrowingBodyRollsBackAndTheErrorComesThrough() async throws {
        let connection = try await connectWithTable()
        await #expect(throws: Abort.self) {
            try await connection.transaction { transaction in
                try await transaction.execute("INSERT INTO items VALUES ($1)", ["lost"])
                throw Abort()
            }
        }
        #expect(try await names(connection) == [])
        await connection.close()
    }

    @Test func aFailingStatementRollsBackTheWholeTransaction() async throws {
        let connection = try await connectWithTable()
        try await connection.execute("INSERT INTO items VALUES ('dup')")
        let error = await #expect(throws: PostgresError.self) {
            try await connection.transaction { transaction in
                try await transaction.execute("INSERT INTO items VALUES ($1)", ["new"])
                try await transaction.execute("INSERT INTO items VALUES ($1)", ["dup"])
            }
        }
        #expect(error?.sqlState == "23505")
        #expect(try await names(connection) == ["dup"])
        await connection.close()
    }

    @Test func otherCallsWaitUntilTheTransactionEnds() async throws {
        let connection = try await connectWithTable()
        await #expect(throws: Abort.self) {
            try await connection.transaction { transaction in
                try await transaction.execute("INSERT INTO items VALUES ($1)", ["inside"])
                // Started while the transaction holds the session: it must not run inside it.
                _ = Task { try await connection.execute("INSERT INTO items VALUES ('outside')") }
                try await transaction.execute("SELECT pg_sleep(0.05)")
                throw Abort()
            }
        }
        // The outsider ran after the rollback, so its row is the only one.
        let rows = try await eventuallyValue("the outsider's row", timeout: .seconds(10)) {
            let rows = try await names(connection)
            return rows.isEmpty ? nil : rows
        }
        #expect(rows == ["outside"])
        await connection.close()
    }

    @Test func aTransactionHandleIsUselessAfterItsTransaction() async throws {
        let connection = try await connectWithTable()
        let escaped = try await connection.transaction { $0 }
        let error = await #expect(throws: PostgresError.self) { try await escaped.query("SELECT 1") }
        #expect(error?.code == .transactionEnded)
        await connection.close()
    }
}
