import Config

extension WorkflowName {
    /// The roles a workflow needs running, as they name themselves in their heartbeats
    /// (`crmbridge.role_heartbeats.role`): the workflow is RUNNING once each reports so.
    /// opt-in-out has a reader per side and one writer group over both topics; a role
    /// whose direction the mode switches off still runs (idle), so the set never changes.
    public var roles: [String] {
        switch self {
        case .crmToCampaign, .campaignToCRM: ["reader", "writer"]
        case .optInOut: ["crm-reader", "campaign-reader", "writer"]
        }
    }

    /// Why this release cannot run the workflow, or nil when its roles are built. Start
    /// answers 409 with this reason rather than waiting forever for roles that do not
    /// exist; compose and the manifests run only built roles. Every workflow's roles
    /// are built today.
    public var notBuiltReason: String? {
        switch self {
        case .crmToCampaign, .campaignToCRM, .optInOut:
            nil
        }
    }
}
