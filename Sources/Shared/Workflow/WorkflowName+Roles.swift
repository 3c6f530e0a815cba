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
}
