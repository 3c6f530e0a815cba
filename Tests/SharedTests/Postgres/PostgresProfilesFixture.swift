import Foundation
import PostgresBridge

/// Profiles-like rows (crm_id, first_name, last_name, email, phone, crm_modified_at) with
/// awkward values mixed in: quotes, backslashes, tabs, newlines, braces, commas, unicode,
/// empty strings, NULLs and the word NULL.
enum PostgresProfilesFixture {
    static let columns = ["crm_id", "first_name", "last_name", "email", "phone", "crm_modified_at"]

    static func createTable(_ name: String, on connection: PostgresConnection) async throws {
        try await connection.executeScript("""
            CREATE TABLE \(PostgresIdentifier.quote(name)) (
              crm_id text PRIMARY KEY,
              first_name text,
              last_name text,
              email text,
              phone text,
              crm_modified_at timestamptz NOT NULL
            )
            """)
    }

    static func plan(_ table: String) throws -> BatchUpsert {
        try BatchUpsert(table: PostgresIdentifier(table), keyColumns: ["crm_id"], columns: columns,
                        versionColumn: "crm_modified_at")
    }

    /// `count` rows; `generation` changes every value but the key, `baseSeconds` sets the version.
    static func rows(count: Int, generation: Int, baseSeconds: Int) -> [[String?]] {
        let awkward = ["O'Brien \"the\" \\ one", "tab\there", "new\nline", "{brace},comma", "Zoë 東京 🚀", "", "NULL"]
        return (0..<count).map { index in
            let digits = String(index)
            let id = "C" + String(repeating: "0", count: max(0, 7 - digits.count)) + digits
            let first = index % 97 == 0 ? awkward[index % awkward.count] : "First\(index)g\(generation)"
            let email: String? = index % 11 == 0 ? nil : "p\(index).g\(generation)@example.com"
            let phone: String? = index % 13 == 0 ? nil : "+33 1 \(index % 100) \(generation)"
            let modified = Date(timeIntervalSince1970: TimeInterval(baseSeconds + index % 1000) + 0.123456)
            return [id, first, "Last\(index)", email, phone, PostgresTimestamp.format(modified)]
        }
    }

    /// Content checksum computed by the server: md5 over every row in key order.
    static func checksum(_ table: String, on connection: PostgresConnection) async throws -> (count: Int, md5: String) {
        let rows = try await connection.query("""
            SELECT count(*) AS n, md5(coalesce(string_agg(\(rowText("t")), E'\\x1e' ORDER BY crm_id COLLATE "C"), '')) AS sum
            FROM \(PostgresIdentifier.quote(table)) t
            """)
        return (try rows.int(0, "n") ?? -1, rows[0, "sum"] ?? "")
    }

    /// The checksum the table must have after `rows` landed (same md5, on the same text).
    static func expectedChecksum(_ rows: [[String?]], on connection: PostgresConnection) async throws -> String {
        let sorted = rows.sorted { ($0[0] ?? "") < ($1[0] ?? "") }
        let fields = sorted.map { row in
            [row[0] ?? "", row[1] ?? "<null>", row[2] ?? "<null>", row[3] ?? "<null>", row[4] ?? "<null>",
             row[5] ?? ""].joined(separator: "\u{1f}")
        }
        // The fixture prints times exactly as the server does (UTC, 6 fraction digits, +00).
        let text = fields.joined(separator: "\u{1e}")
        let result = try await connection.query("SELECT md5($1) AS sum", [text])
        return result[0, "sum"] ?? ""
    }

    private static func rowText(_ alias: String) -> String {
        "concat_ws(E'\\x1f', \(alias).crm_id, coalesce(\(alias).first_name, '<null>'), "
            + "coalesce(\(alias).last_name, '<null>'), coalesce(\(alias).email, '<null>'), "
            + "coalesce(\(alias).phone, '<null>'), \(alias).crm_modified_at::text)"
    }
}
