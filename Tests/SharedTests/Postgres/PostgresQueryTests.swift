import Logging
import Shared
import Testing
import TestSupport

@Suite struct PostgresQueryTests {
    @Test func parametersRoundTripTextNullUnicodeQuotesAndBackslashes() async throws {
        let url = try await TestPostgres.shared().freshDatabase()
        let connection = try await PostgresConnection.connect(url: url, logger: TestPostgres.logger)
        let values: [String?] = ["plain", nil, "Zoë 東京 🚀", "it's \"quoted\"", #"back\slash \\ \n"#, "", "NULL"]
        let rows = try await connection.query(
            "SELECT $1::text AS a, $2::text AS b, $3::text AS c, $4::text AS d, $5::text AS e, $6::text AS f, $7::text AS g",
            values)
        #expect(rows.rowCount == 1)
        #expect(rows.columns == ["a", "b", "c", "d", "e", "f", "g"])
        for (index, value) in values.enumerated() {
            #expect(rows[0, index] == value)
        }
        await connection.close()
    }
}
