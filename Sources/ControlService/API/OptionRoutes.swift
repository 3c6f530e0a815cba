import Config
import Foundation
import Hummingbird
import WorkflowRuntime

/// `/api/options` (the LASTIMPORT options of crm-to-campaign, the LASTEXPORT cursors of
/// campaign-to-crm) and `/api/rejects`.
struct OptionRoutes: Sendable {
    let options: OptionStore
    let rejects: RejectStore
    let inspector: WorkflowInspector
    let configs: WorkflowConfigs
    let instance: String

    func add(to router: Router<BasicRequestContext>) {
        router.get("api/options") { request, _ in
            let prefix = request.uri.queryParameters.get("prefix") ?? ""
            return try JSONAnswer.response(try await options.all(prefix: prefix))
        }
        router.get("api/options/:name") { _, context in
            let name = context.parameters.get("name") ?? ""
            guard let value = try await options.get(name) else { throw APIError.notFound("no option named \"\(name)\"") }
            return try JSONAnswer.response(["name": name, "value": value])
        }
        router.put("api/options/:name") { request, context in
            try await setOption(context.parameters.get("name") ?? "", request)
        }
        router.get("api/rejects") { request, _ in try await latestRejects(request) }
    }

    struct OptionAnswer: Encodable {
        var name: String
        var value: String
        var warning: String?
    }

    private func setOption(_ name: String, _ request: Request) async throws -> Response {
        struct Body: Decodable { var value: String }
        if name.hasPrefix(LastExportOption.prefix) { return try await setExportOption(name, request) }
        let body = try await JSONAnswer.decode(Body.self, from: request, what: #"{"value": "yyyy/MM/dd HH:mm:ss"}"#)
        guard name.hasPrefix(LastImportOption.prefix) else {
            throw APIError.badRequest(
                "only the LASTIMPORT and LASTEXPORT options can be set here (names start with \(LastImportOption.prefix) or \(LastExportOption.prefix))")
        }
        if case .failure(let error) = LastImportOption.parse(body.value) {
            throw APIError.badRequest("\(name): \(error.message)")
        }
        let known = try await options.get(name) != nil
        let view = try await inspector.view(.crmToCampaign)
        if !known {
            let entities = try await entityNames(view.record)
            let expected = entities.map { LastImportOption.name(instance: instance, workflow: .crmToCampaign, entity: $0) }
            guard expected.contains(name) else {
                let list = expected.isEmpty ? "none: crm-to-campaign has no entity" : expected.joined(separator: ", ")
                throw APIError.badRequest("no LASTIMPORT option \"\(name)\" exists or belongs to a configured entity (expected one of: \(list))")
            }
        }
        try await options.set(name, body.value)
        let warning = view.record.desiredState == .running
            ? "crm-to-campaign is running: its reader may move this option at its next window; stop the workflow before setting it"
            : nil
        return try JSONAnswer.response(OptionAnswer(name: name, value: body.value, warning: warning))
    }

    /// A campaign-to-crm reader cursor (`<stamp>:<id>`), for a source the workflow has:
    /// email events, or an export or delete of its edited or running configuration.
    private func setExportOption(_ name: String, _ request: Request) async throws -> Response {
        struct Body: Decodable { var value: String }
        let body = try await JSONAnswer.decode(Body.self, from: request, what: #"{"value": "<transaction stamp>:<row id>"}"#)
        if case .failure(let error) = LastExportOption.parse(body.value) {
            throw APIError.badRequest("\(name): \(error.message)")
        }
        let known = try await options.get(name) != nil
        let view = try await inspector.view(.campaignToCRM)
        if !known {
            let expected = try await exportSources(view.record).map { LastExportOption.name(instance: instance, source: $0) }
            guard expected.contains(name) else {
                throw APIError.badRequest(
                    "no LASTEXPORT option \"\(name)\" exists or belongs to a campaign-to-crm source (expected one of: \(expected.joined(separator: ", ")))")
            }
        }
        try await options.set(name, body.value)
        let warning = view.record.desiredState == .running
            ? "campaign-to-crm is running: its reader moves this option after each page it publishes; stop the workflow before setting it"
            : nil
        return try JSONAnswer.response(OptionAnswer(name: name, value: body.value, warning: warning))
    }

    private func exportSources(_ record: WorkflowRecord) async throws -> [String] {
        var names = [LastExportOption.emailEvents]
        for version in Set([record.editedVersion, record.runningVersion].compactMap { $0 }).sorted() {
            if case .campaignToCRM(let config) = try await configs.config(.campaignToCRM, version: version) {
                names += (config.exports.map(\.name) + config.deletes.map(\.name)).filter { !names.contains($0) }
            }
        }
        return names
    }

    private func entityNames(_ record: WorkflowRecord) async throws -> [String] {
        var names: [String] = []
        for version in Set([record.editedVersion, record.runningVersion].compactMap { $0 }).sorted() {
            if case .crmToCampaign(let config) = try await configs.config(.crmToCampaign, version: version) {
                names += config.entities.map(\.name).filter { !names.contains($0) }
            }
        }
        return names
    }

    struct RejectItem: Encodable {
        var workflow: String
        var entity: String?
        var recordId: String?
        /// The CRM's code (`DUPLICATE_VALUE`, `0x80040237`) or ours (`bad-envelope`).
        var code: String
        var message: String
        var topic: String?
        var partition: Int32?
        var offset: Int64?
        var createdAt: Date?
    }

    private func latestRejects(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        var workflow: WorkflowName?
        if let text = query.get("workflow"), !text.isEmpty {
            guard let name = WorkflowName(rawValue: text) else { throw APIError.unknownWorkflow(text) }
            workflow = name
        }
        var limit = 50
        if let text = query.get("limit") {
            guard let number = Int(text), (1...1000).contains(number) else {
                throw APIError.badRequest("\"limit\" must be a whole number from 1 to 1000, not \"\(text)\"")
            }
            limit = number
        }
        let items = try await rejects.latest(workflow, limit: limit).map {
            RejectItem(workflow: $0.workflow.rawValue, entity: $0.entity, recordId: $0.recordID, code: $0.errorSymbol,
                       message: $0.errorMessage, topic: $0.topic, partition: $0.partition, offset: $0.offset, createdAt: $0.createdAt)
        }
        return try JSONAnswer.response(items)
    }
}
