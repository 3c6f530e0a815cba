import Campaign
import Config
import Foundation
import PostgresBridge
import WorkflowRuntime

/// "Use the population calculated upstream": the CRM ids to import, from a SQL query
/// on Campaign (first column; run read-only within `populations.queryTimeout`) or a file
/// with one id per line (read only from `populations.directory`). Anything refused
/// fails the workflow with the reason: only an operator can fix it.
struct PopulationSource: Sendable {
    let entity: EntityConfig
    let settings: PopulationsConfig
    let database: any PostgresQueryable

    /// The ids, or nil when the entity imports every record.
    func ids() async throws -> [String]? {
        switch entity.population {
        case nil:
            return nil
        case .sql(let sql):
            do {
                return try await UpstreamPopulation.ids(query: sql, timeout: settings.queryTimeout, in: database)
            } catch let error as UpstreamPopulationError {
                throw RoleFailure("entity \(entity.name): \(error)")
            }
        case .file(let file):
            let path: String
            switch settings.resolve(file: file) {
            case .success(let resolved): path = resolved
            case .failure(let error): throw RoleFailure("entity \(entity.name): \(error)")
            }
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw RoleFailure("entity \(entity.name): population file \"\(file)\" is not readable UTF-8 text")
            }
            return text.split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        }
    }
}
