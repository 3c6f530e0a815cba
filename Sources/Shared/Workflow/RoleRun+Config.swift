import Config

extension RoleRun {
    /// The configuration version this run was started with, parsed for `workflow`'s own
    /// section. A version that does not parse, or that is another workflow's, fails the
    /// workflow naming the version: only an operator's edit can fix it.
    public func workflowConfig(crm: CRMKind) throws -> WorkflowConfig {
        let parsed: WorkflowConfig
        do {
            parsed = try WorkflowConfig.parse(yaml: configText, workflow: workflow, crm: crm)
        } catch {
            throw RoleFailure("config version \(configVersion) is invalid: \(error)")
        }
        return parsed
    }

    /// The failure for a parsed section of the wrong workflow.
    public func notThisWorkflow() -> RoleFailure {
        RoleFailure("config version \(configVersion) is not a \(workflow.rawValue) config")
    }
}
