import Config
import HTTPBridge
import Hummingbird
import WorkflowRuntime

/// An answer of the API that is not a success: a status and a message a person can act
/// on, sent as `{"error": …}` (with `problems` for an invalid configuration). Messages
/// never contain secrets, SQL parameters or payloads.
struct APIError: Error, Sendable {
    var status: HTTPResponse.Status
    var message: String
    var problems: [ConfigProblem] = []

    static func badRequest(_ message: String) -> APIError { APIError(status: .badRequest, message: message) }
    static func conflict(_ message: String) -> APIError { APIError(status: .conflict, message: message) }
    static func notFound(_ message: String) -> APIError { APIError(status: .notFound, message: message) }

    static func unknownWorkflow(_ text: String) -> APIError {
        do {
            _ = try WorkflowName.parse(text)
            return .notFound("workflow \"\(text)\" is not set up")
        } catch {
            return .notFound(error.description)
        }
    }

    static func notSetUp(_ name: WorkflowName) -> APIError {
        .notFound(WorkflowStoreError.unknownWorkflow(name.rawValue).description)
    }

    static func invalidConfig(_ workflow: WorkflowName, _ error: ConfigError) -> APIError {
        let count = error.problems.count == 1 ? "1 problem" : "\(error.problems.count) problems"
        return APIError(
            status: .badRequest,
            message: "the configuration of \(workflow.rawValue) is invalid (\(count)); nothing was saved",
            problems: error.problems)
    }

    /// The mapping names objects or fields the CRM's metadata does not have.
    static func unknownInCRM(_ workflow: WorkflowName, _ problems: [ConfigProblem]) -> APIError {
        let count = problems.count == 1 ? "1 object or field" : "\(problems.count) objects or fields"
        return APIError(
            status: .badRequest,
            message: "the configuration of \(workflow.rawValue) names \(count) the CRM does not have; nothing was saved",
            problems: problems)
    }
}

/// The JSON body of an error answer.
struct APIErrorBody: Encodable {
    struct Problem: Encodable {
        var path: String
        var line: Int?
        var message: String
    }

    var error: String
    var problems: [Problem]?

    init(_ error: APIError) {
        self.error = error.message
        problems = error.problems.isEmpty ? nil : error.problems.map {
            Problem(path: $0.path, line: $0.line, message: $0.message)
        }
    }
}
