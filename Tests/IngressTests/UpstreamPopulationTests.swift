import CoreValues
import Campaign
import Foundation
import Logging
import PostgresBridge
import TestSupport
import Testing

/// The population query is code from the API: on a real PostgreSQL it runs read-only and
/// within its timeout, whatever it tries.
@Suite struct UpstreamPopulationTests {
    private func database() async throws -> PostgresConnection {
        let url = try await TestPostgres.shared().freshDatabase()
        let database = try await PostgresConnection.connect(url: Secret(url), logger: Logger(label: "test"))
        try await database.executeScript("""
            CREATE TABLE wanted (crm_id text PRIMARY KEY);
            INSERT INTO wanted VALUES ('a'), ('b'), ('');
            CREATE SEQUENCE ticket;
            """)
        return database
    }

    @Test func returnsTheFirstColumnWithoutEmptyIds() async throws {
        let database = try await database()
        defer { Task { await database.close() } }
        let ids = try await UpstreamPopulation.ids(
            query: "SELECT crm_id, 'ignored' FROM wanted ORDER BY crm_id", timeout: .seconds(10), in: database)
        #expect(ids == ["a", "b"])
    }

    @Test(arguments: [
        "WITH d AS (DELETE FROM wanted RETURNING crm_id) SELECT crm_id FROM d",
        "SELECT nextval('ticket')::text",
        "INSERT INTO wanted VALUES ('x') RETURNING crm_id",
    ])
    func aQueryThatWritesIsRefusedAndChangesNothing(sql: String) async throws {
        let database = try await database()
        defer { Task { await database.close() } }
        let error = await #expect(throws: UpstreamPopulationError.self) {
            _ = try await UpstreamPopulation.ids(query: sql, timeout: .seconds(10), in: database)
        }
        #expect(error?.reason == .writes)
        #expect(error?.description.contains("runs read-only") == true, "\(error.map(String.init(describing:)) ?? "")")
        #expect(try await database.query("SELECT count(*) AS n FROM wanted").int(0, "n") == 3)
        #expect(try await database.query("SELECT last_value, is_called FROM ticket")[0]["is_called"] == "f")
    }

    @Test func severalStatementsCannotEscapeTheTransaction() async throws {
        let database = try await database()
        defer { Task { await database.close() } }
        await #expect(throws: UpstreamPopulationError.self) {
            _ = try await UpstreamPopulation.ids(
                query: "COMMIT; DELETE FROM wanted; SELECT crm_id FROM wanted", timeout: .seconds(10), in: database)
        }
        #expect(try await database.query("SELECT count(*) AS n FROM wanted").int(0, "n") == 3)
    }

    @Test func aQueryRunningLongerThanItsTimeoutIsCancelled() async throws {
        let database = try await database()
        defer { Task { await database.close() } }
        let error = await #expect(throws: UpstreamPopulationError.self) {
            _ = try await UpstreamPopulation.ids(query: "SELECT pg_sleep(30)::text", timeout: .milliseconds(200), in: database)
        }
        #expect(error?.reason == .timedOut)
        // The timeout was the transaction's own: the connection's next statement has none.
        #expect(try await database.query("SHOW statement_timeout")[0]["statement_timeout"] == "0")
    }
}
