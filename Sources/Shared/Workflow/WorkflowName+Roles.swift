import Config

extension WorkflowName {
    /// The roles a workflow needs running, as they name themselves in their heartbeats
    /// (`crmbridge.role_heartbeats.role`): the workflow is RUNNING once each reports so.
    public var roles: [String] {
        switch self {
        case .crmToCampaign, .campaignToCRM: ["reader", "writer"]
        case .optInOut: ["sync"]
        }
    }

    /// Why this release cannot run the workflow, or nil when its roles are built. Start
    /// answers 409 with this reason rather than waiting forever for roles that do not
    /// exist; compose and the manifests run only built roles.
    public var notBuiltReason: String? {
        switch self {
        case .crmToCampaign, .campaignToCRM:
            nil
        case .optInOut:
            "opt-in-out cannot start: its role (OptOutService) is not built in this release"
        }
    }
}
