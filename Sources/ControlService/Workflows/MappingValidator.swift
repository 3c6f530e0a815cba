import CRMConnectors
import Config
import HTTPBridge
import Logging

/// Checks a crm-to-campaign mapping against the CRM's own metadata when it is saved
/// (Dynamics `EntityDefinitions…/Attributes`, Salesforce `sobjects/<Object>/describe`).
/// A CRM that does not answer within `timeout` does not block the save: the outcome
/// says the mapping was not checked, and the reader checks it again at Start.
struct MappingValidator: Sendable {
    enum Outcome: Sendable {
        case matches
        /// Each unknown object or field, at its place in the configuration.
        case mismatches([ConfigProblem])
        /// The CRM could not be asked; the text says why, for the answer's `warnings`.
        case notChecked(String)
    }

    let mappingCheck: CRMMappingCheck
    let system: String

    init(connection: CRMConnection, http: HTTPClient, timeout: Duration, logger: Logger) {
        var connection = connection
        // One short try per call: a save waits for no retries and no 2-minute timeout.
        connection.requestTimeout = min(connection.requestTimeout, timeout)
        let metadata = connection.makeMetadataSource(http: http, logger: logger, retry: CRMRetryPolicy(maxAttempts: 1))
        self.mappingCheck = CRMMappingCheck(metadata: metadata)
        self.system = connection.kind.rawValue
    }

    func check(_ workflow: CRMToCampaignConfig) async -> Outcome {
        let problems: [CRMMappingCheck.Problem]
        do {
            problems = try await mappingCheck.problems(workflow.entities)
        } catch {
            return .notChecked(
                "the mapping was not checked against \(system): \(error); "
                    + "objects or fields it does not have will fail the workflow at Start")
        }
        guard !problems.isEmpty else { return .matches }
        return .mismatches(problems.map { ConfigProblem(path: Self.path(of: $0, in: workflow), line: nil, message: Self.message($0)) })
    }

    private static func message(_ problem: CRMMappingCheck.Problem) -> String {
        if let field = problem.field { return "\(problem.remoteObject) has no field \(field) in the CRM" }
        return "the CRM has no object \(problem.remoteObject)"
    }

    /// Where the unknown name is written: `entities[0].fields[2].remote`, `entities[0].remoteObject`…
    static func path(of problem: CRMMappingCheck.Problem, in workflow: CRMToCampaignConfig) -> String {
        guard let index = workflow.entities.firstIndex(where: { $0.name == problem.entity }) else { return "entities" }
        let entity = workflow.entities[index]
        let base = "entities[\(index)]"
        guard let field = problem.field else { return base + ".remoteObject" }
        if let mapped = entity.fields.firstIndex(where: { $0.remote == field }) { return base + ".fields[\(mapped)].remote" }
        if field == entity.remoteIdField { return base + ".remoteId" }
        if field == entity.lastModifiedField { return base + ".lastModified" }
        if entity.orderBy.contains(where: { $0.field == field }) { return base + ".orderBy" }
        return base + ".filter"
    }
}
