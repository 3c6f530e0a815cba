import Config
import CoreValues
import Foundation
import KafkaBridge
import Logging
import WorkflowRuntime

/// Edit, Start, Stop and Replay (SPEC §3, §5), with the rules that make them safe:
/// edits apply only at the next Start, Start never swaps the version under running
/// roles, and a replay only moves offsets of a stopped workflow.
struct WorkflowActions: Sendable {
    let inspector: WorkflowInspector
    let configs: WorkflowConfigs
    let connectorState: ConnectorStateStore
    let admin: KafkaAdmin
    /// Checks a crm-to-campaign mapping against the CRM; nil when no CRM is configured.
    let mappings: MappingValidator?
    let logger: Logger

    var store: WorkflowStore { inspector.store }

    // MARK: Edit

    struct SaveResult: Sendable {
        var view: WorkflowView
        var changed: Bool
        /// What could not be checked (the CRM did not answer the metadata calls).
        var warnings: [String] = []
    }

    /// Validates and saves a new edited version; running roles keep theirs. A
    /// crm-to-campaign mapping naming objects or fields the CRM does not have is refused
    /// (400, each named) when the CRM answers; when it does not, the version is saved
    /// with a warning, and the reader's own check at Start fails the workflow instead.
    func saveConfig(_ name: WorkflowName, text: String) async throws -> SaveResult {
        let config: WorkflowConfig
        switch configs.validate(text, for: name) {
        case .failure(let error): throw APIError.invalidConfig(name, error)
        case .success(let valid): config = valid
        }
        guard let record = try await store.get(name) else { throw APIError.notSetUp(name) }
        var warnings: [String] = []
        if case .crmToCampaign(let workflow) = config, let mappings {
            switch await mappings.check(workflow) {
            case .matches: break
            case .mismatches(let problems): throw APIError.unknownInCRM(name, problems)
            case .notChecked(let warning): warnings.append(warning)
            }
        }
        guard record.editedConfig != text else {
            return SaveResult(view: try await inspector.view(record), changed: false, warnings: warnings)
        }
        let version = try await store.saveConfig(name, config: text)
        logger.notice("configuration saved", metadata: ["workflow": "\(name.rawValue)", "editedVersion": "\(version)"])
        return SaveResult(view: try await inspector.view(name), changed: true, warnings: warnings)
    }

    // MARK: Start and Stop

    /// Start: the edited version becomes the running one. A workflow that is already
    /// RUNNING or STARTING is left alone (its edits wait for Stop then Start); a FAILED
    /// one is started again, with the edited version.
    func start(_ name: WorkflowName) async throws -> (view: WorkflowView, started: Bool) {
        if let reason = name.notBuiltReason { throw APIError.conflict(reason) }
        let before = try await inspector.view(name)
        if before.status == .running || before.status == .starting {
            return (before, false)
        }
        try await store.start(name)
        logger.notice("workflow started", metadata: ["workflow": "\(name.rawValue)", "version": "\(before.record.editedVersion)"])
        return (try await inspector.view(name), true)
    }

    /// Stop; the warning says when saved edits are not applied yet.
    func stop(_ name: WorkflowName) async throws -> (view: WorkflowView, warning: String?) {
        guard try await store.get(name) != nil else { throw APIError.notSetUp(name) }
        let pending = try await store.stop(name)
        logger.notice("workflow stopped", metadata: ["workflow": "\(name.rawValue)"])
        let view = try await inspector.view(name)
        guard pending else { return (view, nil) }
        let running = view.record.runningVersion.map { "version \($0)" } ?? "the previous version"
        let warning = "\(name.rawValue) has saved edits (version \(view.record.editedVersion)) that were never applied: "
            + "it ran \(running). Start applies them."
        return (view, warning)
    }

    // MARK: Replay

    struct ReplayResult: Encodable, Sendable {
        var workflow: String
        var entity: String
        var topic: String?
        var group: String?
        var from: String?
        var resync: Bool
        /// The writer group's new committed offset per partition.
        var offsets: [String: Int64]?
        var message: String
    }

    func replay(_ name: WorkflowName, _ request: ReplayRequest) async throws -> ReplayResult {
        let view = try await inspector.view(name)
        guard view.record.desiredState == .stopped else {
            throw APIError.conflict("\(name.rawValue) is \(view.status.rawValue): stop it before a replay")
        }
        let edited = try await configs.config(name, version: view.record.editedVersion)
        let streams = WorkflowStreams(edited)
        guard let topic = streams.topic(entity: request.entity) else {
            let known = streams.entities.isEmpty ? "none configured" : streams.entities.joined(separator: ", ")
            throw APIError.badRequest("\(name.rawValue) has no entity \"\(request.entity)\" (entities: \(known))")
        }
        switch request.mode {
        case .resync:
            guard name == .crmToCampaign else {
                throw APIError.badRequest("resync re-reads an entity from the CRM: it applies to crm-to-campaign only")
            }
            try await connectorState.set(name, entity: request.entity, .resyncRequested, DateTimeText.rfc3339(Date()))
            logger.notice("resync requested", metadata: ["workflow": "\(name.rawValue)", "entity": "\(request.entity)"])
            return ReplayResult(
                workflow: name.rawValue, entity: request.entity, topic: nil, group: nil, from: nil, resync: true,
                offsets: nil, message: "\(request.entity) will be read again from the CRM at the next Start")
        case .offsets(let target, let text):
            let group = Topics.writerGroup(name)
            let offsets: [Int32: Int64]
            do {
                offsets = try await admin.resetOffsets(group: group, topic: topic, to: target)
            } catch let error as KafkaError where error.code == .groupNotEmpty {
                throw APIError.conflict("the writers of \(name.rawValue) are still in group \(group); wait until they stopped, then replay")
            } catch let error as KafkaError where BacklogReader.isMissingTopic(error) {
                throw APIError.badRequest("topic \(topic) does not exist yet: nothing to replay for \(request.entity)")
            }
            return ReplayResult(
                workflow: name.rawValue, entity: request.entity, topic: topic, group: group, from: text, resync: false,
                offsets: Dictionary(uniqueKeysWithValues: offsets.map { (String($0.key), $0.value) }),
                message: "\(group) will re-read \(topic) from \(text) at the next Start")
        }
    }
}
