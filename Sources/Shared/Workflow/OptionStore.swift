import Foundation
import PostgresBridge

/// Operator-visible options (`crmbridge.options`), among them the LASTIMPORT
/// options of crm-to-campaign. Values are validated by the caller for their kind.
public struct OptionStore: Sendable {
    public struct Option: Sendable, Equatable, Codable {
        public var name: String
        public var value: String
        public var updatedAt: Date
    }

    let database: any PostgresQueryable

    public init(database: any PostgresQueryable) {
        self.database = database
    }

    public func get(_ name: String) async throws -> String? {
        let rows = try await database.query("SELECT value FROM crmbridge.options WHERE name = $1", [name])
        return rows.rowCount == 0 ? nil : try rows.string(0, "value")
    }

    public func set(_ name: String, _ value: String) async throws {
        try await database.execute(
            "INSERT INTO crmbridge.options (name, value, updated_at) VALUES ($1, $2, now()) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_at = now()",
            [name, value])
    }

    public func remove(_ name: String) async throws {
        try await database.execute("DELETE FROM crmbridge.options WHERE name = $1", [name])
    }

    public func all(prefix: String = "") async throws -> [Option] {
        let rows = try await database.query(
            "SELECT name, value, updated_at FROM crmbridge.options WHERE starts_with(name, $1) ORDER BY name", [prefix])
        return try (0..<rows.rowCount).map { row in
            Option(name: try rows.string(row, "name") ?? "", value: try rows.string(row, "value") ?? "",
                   updatedAt: try rows.date(row, "updated_at") ?? Date(timeIntervalSince1970: 0))
        }
    }
}
