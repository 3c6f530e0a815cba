import CoreValues
import Foundation
import PostgresBridge
import TestSupport
import Testing

@Suite struct PostgresQueryTests {
    private func connect() async throws -> PostgresConnection {
        let url = try await TestPostgres.shared().freshDatabase()
        return try await PostgresConnection.connect(url: Secret(url), logger: TestPostgres.logger)
    }

    @Test func parametersRoundTripTextNullUnicodeQuotesAndBackslashes() async throws {
        let connection = try await connect()
        let values: [String?] = ["plain", nil, "Zoë 東京 🚀", "it's \"quoted\"", #"back\slash \\ \n"#, "", "NULL"]
        let rows = try await connection.query(
            "SELECT $1::text AS a, $2::text AS b, $3::text AS c, $4::text AS d, $5::text AS e, $6::text AS f, $7::text AS g",
            values)
        #expect(rows.rowCount == 1)
        #expect(rows.columns == ["a", "b", "c", "d", "e", "f", "g"])
        for (index, value) in values.enumerated() {
            #expect(rows[0, index] == value)
        }
        // The same values stored and read back from a table.
        try await connection.execute("CREATE TABLE t (id int, v text)")
        for (index, value) in values.enumerated() {
            try await connection.execute("INSERT INTO t VALUES ($1, $2)", [String(index), value])
        }
        let stored = try await connection.query("SELECT v FROM t ORDER BY id")
        #expect(stored.map { $0["v"] } == values)
        await connection.close()
    }

    @Test func aSyntaxErrorHasSQLState42601AndItsDescriptionHoldsNoParameter() async throws {
        let connection = try await connect()
        let secret = "s3cret-parameter-value"
        let error = await #expect(throws: PostgresError.self) {
            try await connection.query("SELEC $1::text", [secret])
        }
        #expect(error?.sqlState == "42601")
        #expect(error?.code == .server)
        #expect(error?.isRetriable == false)
        #expect(error?.description.contains("syntax error") == true)
        #expect(error?.description.contains(secret) == false)
        // The connection is still usable afterwards.
        #expect(try await connection.query("SELECT 1 AS one").int(0, "one") == 1)
        await connection.close()
    }

    @Test func aValueTheServerQuotesInItsMessageIsRedacted() async throws {
        let connection = try await connect()
        let secret = "not-a-number-secret"
        let error = await #expect(throws: PostgresError.self) {
            try await connection.query("SELECT $1::int", [secret])
        }
        #expect(error?.sqlState == "22P02")
        #expect(error?.description.contains("invalid input syntax") == true)
        #expect(error?.description.contains(secret) == false)
        await connection.close()
    }

    @Test func typedHelpersReadIntegersBooleansAndTimestamps() async throws {
        let connection = try await connect()
        let rows = try await connection.query("""
            SELECT 42 AS n, true AS yes, false AS no, NULL::int AS nothing,
                   '2026-01-02T03:04:05.25+02:00'::timestamptz AS at, 'abc' AS word
            """)
        #expect(try rows.int(0, "n") == 42)
        #expect(try rows.bool(0, "yes") == true)
        #expect(try rows.bool(0, "no") == false)
        #expect(try rows.int(0, "nothing") == nil)
        #expect(try rows.date(0, "at") == Date(timeIntervalSince1970: 1_767_315_845.25))
        #expect(rows[0, "at"] == "2026-01-02 01:04:05.25+00")
        #expect(throws: PostgresError.self) { try rows.int(0, "word") }
        #expect(throws: PostgresError.self) { try rows.int(0, "missing") }
        #expect(throws: PostgresError.self) { try rows.int(5, "n") }
        #expect(rows[7, 7] == nil)
        await connection.close()
    }

    @Test func quotedIdentifiersAllowAnyTableName() async throws {
        let connection = try await connect()
        let table = PostgresIdentifier("odd \"name\"; DROP", schema: "public")
        try await connection.execute("CREATE TABLE \(table.quoted) (v text)")
        try await connection.execute("INSERT INTO \(table.quoted) VALUES ($1)", ["x"])
        #expect(try await connection.query("SELECT count(*) AS n FROM \(table.quoted)").int(0, "n") == 1)
        await connection.close()
    }

    /// The writer sends each column as one text array (`unnest($1::text[])`): every
    /// awkward value must come back exactly, NULL as NULL and "NULL" as text.
    @Test func arrayLiteralsSurviveTheServerExactly() async throws {
        let connection = try await connect()
        let awkward: [String?] = ["", "NULL", nil, "a,b", "{x}", "\"q\"", "back\\slash", " space ", "tab\t", "Zoë"]
        let stored = try await connection.query(
            "SELECT u FROM unnest($1::text[]) WITH ORDINALITY AS t(u, n) ORDER BY n", [PostgresArrayLiteral.text(awkward)])
        #expect(stored.map { $0["u"] } == awkward)
        await connection.close()
    }

    @Test func aNulByteIsRefusedInsteadOfTruncated() async throws {
        let connection = try await connect()
        let error = await #expect(throws: PostgresError.self) {
            try await connection.query("SELECT $1::text", ["a\u{0}b"])
        }
        #expect(error?.code == .invalidArgument)
        await connection.close()
    }

    @Test func aClosedConnectionRefusesWork() async throws {
        let connection = try await connect()
        await connection.close()
        let error = await #expect(throws: PostgresError.self) { try await connection.query("SELECT 1") }
        #expect(error?.code == .closed)
    }

    @Test func connectingToANonexistentDatabaseFailsWithAConnectionError() async throws {
        let server = try await TestPostgres.shared()
        let url = TestPostgres.url(server.adminURL, replacingDatabaseWith: "no_such_database")
        let configuration = PostgresConfiguration(url: Secret(url), reconnect: .init(maxAttempts: 1))
        let error = await #expect(throws: PostgresError.self) {
            _ = try await PostgresConnection.connect(configuration: configuration, logger: TestPostgres.logger)
        }
        #expect(error?.code == .connection)
        #expect(error?.description.contains("no_such_database") == true)
    }
}
