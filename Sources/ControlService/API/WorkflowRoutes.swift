import Config
import Foundation
import Hummingbird
import WorkflowRuntime

/// `/api/workflows…` (SPEC §3): list and show, the configuration, Start, Stop, Replay,
/// and the history the charts draw.
struct WorkflowRoutes: Sendable {
    let inspector: WorkflowInspector
    let actions: WorkflowActions
    let history: WorkflowHistory
    let sampleInterval: Duration

    func add(to router: Router<BasicRequestContext>) {
        let api = router.group("api/workflows")
        api.get { _, _ in
            try JSONAnswer.response(try await inspector.all().map(WorkflowSummary.init))
        }
        api.get(":name") { _, context in
            try JSONAnswer.response(WorkflowSummary(try await inspector.view(try Self.workflow(context))))
        }
        api.get(":name/config") { request, context in try await config(request, context) }
        api.put(":name/config") { request, context in try await saveConfig(request, context) }
        api.post(":name/start") { _, context in
            let (view, started) = try await actions.start(try Self.workflow(context))
            var item = WorkflowSummary(view)
            if !started {
                item.message = "\(view.name.rawValue) is already \(view.status.rawValue); nothing changed (Stop, then Start, applies edits)"
            }
            return try JSONAnswer.response(item, status: .accepted)
        }
        api.post(":name/stop") { _, context in
            let (view, warning) = try await actions.stop(try Self.workflow(context))
            var item = WorkflowSummary(view)
            item.warning = warning
            return try JSONAnswer.response(item)
        }
        api.post(":name/replay") { request, context in
            let name = try Self.workflow(context)
            var request = request
            let body = try await request.collectBody(upTo: 1 << 16)
            let replay = try ReplayRequest.parse(Data(buffer: body))
            return try JSONAnswer.response(try await actions.replay(name, replay))
        }
        api.get(":name/history") { _, context in
            let name = try Self.workflow(context)
            return try JSONAnswer.response(
                HistoryAnswer(workflow: name.rawValue, intervalSeconds: sampleInterval.seconds, points: history.points(name)))
        }
    }

    struct HistoryAnswer: Encodable {
        var workflow: String
        var intervalSeconds: Double
        var points: [WorkflowHistory.Point]
    }

    struct ConfigAnswer: Encodable {
        var name: String
        var version: Int
        var editedVersion: Int
        var runningVersion: Int?
        var pendingChanges: Bool
        var config: String
        var changed: Bool?
        var message: String?
        /// What a save could not check (the CRM did not answer its metadata calls).
        var warnings: [String]?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(version, forKey: .version)
            try container.encode(editedVersion, forKey: .editedVersion)
            try container.encode(runningVersion, forKey: .runningVersion)
            try container.encode(pendingChanges, forKey: .pendingChanges)
            try container.encode(config, forKey: .config)
            try container.encodeIfPresent(changed, forKey: .changed)
            try container.encodeIfPresent(message, forKey: .message)
            try container.encodeIfPresent(warnings, forKey: .warnings)
        }

        enum CodingKeys: String, CodingKey {
            case name, version, editedVersion, runningVersion, pendingChanges, config, changed, message, warnings
        }
    }

    /// The edited configuration, or `?version=N`; `?format=yaml` answers the bare YAML.
    private func config(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let name = try Self.workflow(context)
        guard let record = try await inspector.store.get(name) else { throw APIError.notSetUp(name) }
        var version = record.editedVersion
        var text = record.editedConfig
        if let asked = request.uri.queryParameters.get("version") {
            guard let number = Int(asked), number >= 1 else {
                throw APIError.badRequest("\"version\" must be a positive whole number, not \"\(asked)\"")
            }
            do {
                text = try await inspector.store.config(name, version: number)
            } catch is WorkflowStoreError {
                throw APIError.notFound("\(name.rawValue) has no configuration version \(number) (latest: \(record.editedVersion))")
            }
            version = number
        }
        if request.uri.queryParameters.get("format") == "yaml" {
            var headers = HTTPFields()
            headers[.contentType] = "application/yaml; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        return try JSONAnswer.response(ConfigAnswer(
            name: name.rawValue, version: version, editedVersion: record.editedVersion,
            runningVersion: record.runningVersion, pendingChanges: record.pendingChanges, config: text))
    }

    /// Saves a new version: JSON `{"config": "<yaml>"}`, or the YAML itself as the body.
    private func saveConfig(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let name = try Self.workflow(context)
        let text = try await Self.configText(request)
        let result = try await actions.saveConfig(name, text: text)
        let record = result.view.record
        let applies = record.desiredState == .running
            ? "it applies when the workflow is stopped and started again"
            : "it applies at the next Start"
        return try JSONAnswer.response(ConfigAnswer(
            name: name.rawValue, version: record.editedVersion, editedVersion: record.editedVersion,
            runningVersion: record.runningVersion, pendingChanges: record.pendingChanges, config: record.editedConfig,
            changed: result.changed,
            message: result.changed ? "saved as version \(record.editedVersion); \(applies)" : "unchanged: same as version \(record.editedVersion)",
            warnings: result.warnings.isEmpty ? nil : result.warnings))
    }

    private static func configText(_ request: Request) async throws -> String {
        var request = request
        let body = try await request.collectBody(upTo: 4 << 20)
        let isJSON = request.headers[.contentType]?.lowercased().contains("json") ?? false
        guard isJSON else {
            guard let text = String(bytes: body.readableBytesView, encoding: .utf8) else {
                throw APIError.badRequest("the configuration must be UTF-8 text")
            }
            return text
        }
        struct Body: Decodable { var config: String }
        guard let decoded = try? JSONDecoder().decode(Body.self, from: Data(buffer: body)) else {
            throw APIError.badRequest(#"the request body is not {"config": "<YAML text>"} (or send the YAML itself with Content-Type: application/yaml)"#)
        }
        return decoded.config
    }

    static func workflow(_ context: BasicRequestContext) throws -> WorkflowName {
        let text = context.parameters.get("name") ?? ""
        guard let name = WorkflowName(rawValue: text) else { throw APIError.unknownWorkflow(text) }
        return name
    }
}
