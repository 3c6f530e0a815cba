import Config
import Synchronization
import WorkflowRuntime

/// Validates workflow configurations for this deployment's CRM, and keeps the parsed
/// form of each stored version (a saved version never changes).
final class WorkflowConfigs: Sendable {
    private struct Key: Hashable {
        var workflow: WorkflowName
        var version: Int
    }

    let crm: CRMKind
    private let store: WorkflowStore
    private let parsed = Mutex<[Key: WorkflowConfig]>([:])

    init(crm: CRMKind, store: WorkflowStore) {
        self.crm = crm
        self.store = store
    }

    /// Every problem of `text` as `workflow`'s configuration, or its parsed form.
    func validate(_ text: String, for workflow: WorkflowName) -> Result<WorkflowConfig, ConfigError> {
        Result { () throws(ConfigError) in try WorkflowConfig.parse(yaml: text, workflow: workflow, crm: crm) }
    }

    /// The parsed configuration of a stored version.
    func config(_ workflow: WorkflowName, version: Int) async throws -> WorkflowConfig {
        let key = Key(workflow: workflow, version: version)
        if let known = parsed.withLock({ $0[key] }) { return known }
        let text = try await store.config(workflow, version: version)
        let config = try validate(text, for: workflow).get()
        parsed.withLock { $0[key] = config }
        return config
    }

    /// The topics of the version that runs (or would run at the next Start when the
    /// workflow never ran).
    func runningStreams(_ record: WorkflowRecord) async throws -> WorkflowStreams {
        let version = record.runningVersion ?? record.editedVersion
        return WorkflowStreams(try await config(record.name, version: version))
    }
}
