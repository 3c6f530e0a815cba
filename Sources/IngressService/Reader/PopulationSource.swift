import Config
import Foundation
import PostgresBridge
import WorkflowRuntime

/// "Use the population calculated upstream": the CRM ids to import, from a SQL query
/// on Campaign (first column) or a file with one id per line.
struct PopulationSource: Sendable {
    let population: EntityConfig.Population?
    let database: any PostgresQueryable

    /// The ids, or nil when the entity imports every record.
    func ids() async throws -> [String]? {
        switch population {
        case nil:
            return nil
        case .sql(let sql):
            let rows: PostgresRows
            do {
                rows = try await database.query(sql, [])
            } catch let error as PostgresError where !error.isRetriable {
                throw RoleFailure("population query failed: \(error)")
            }
            return (0..<rows.rowCount).compactMap { rows[$0, 0] }.filter { !$0.isEmpty }
        case .file(let path):
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw RoleFailure("population file \(path) cannot be read")
            }
            return text.split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        }
    }
}
