/// The whole `crmbridge.yaml` (SPEC §6): connections, the instance name, and the initial
/// definition of the three workflows. Load with `CRMBridgeConfig.load(path:environment:)`.
public struct CRMBridgeConfig: Sendable, Equatable {
    /// Names this deployment in option names (`LASTIMPORT_<instance>_…`).
    public var instance: String
    public var connections: ConnectionsConfig
    public var crmToCampaign: CRMToCampaignConfig
    public var campaignToCRM: CampaignToCRMConfig
    public var optInOut: OptInOutConfig
    /// Bounds of upstream populations (`populations:`): set by the file only, never the API.
    public var populations: PopulationsConfig
    /// Each workflow's section as YAML text, to seed the control service's stored
    /// configuration (`{}` for a section the file leaves out).
    public var workflowYAML: [WorkflowName: String]

    public init(
        instance: String, connections: ConnectionsConfig, crmToCampaign: CRMToCampaignConfig = .init(),
        campaignToCRM: CampaignToCRMConfig = .init(), optInOut: OptInOutConfig? = nil,
        workflowYAML: [WorkflowName: String] = [:], populations: PopulationsConfig = .init()
    ) {
        self.instance = instance
        self.connections = connections
        self.crmToCampaign = crmToCampaign
        self.campaignToCRM = campaignToCRM
        self.optInOut = optInOut ?? .defaults(for: connections.crm.kind)
        self.workflowYAML = workflowYAML
        self.populations = populations
    }

    /// One workflow's configuration.
    public func workflow(_ name: WorkflowName) -> WorkflowConfig {
        switch name {
        case .crmToCampaign: .crmToCampaign(crmToCampaign)
        case .campaignToCRM: .campaignToCRM(campaignToCRM)
        case .optInOut: .optInOut(optInOut)
        }
    }

    /// Replaces one workflow's configuration (e.g. with the version the control service
    /// stored), keeping its YAML text in step when given.
    public mutating func apply(_ workflow: WorkflowConfig, yaml: String? = nil) {
        switch workflow {
        case .crmToCampaign(let config): crmToCampaign = config
        case .campaignToCRM(let config): campaignToCRM = config
        case .optInOut(let config): optInOut = config
        }
        if let yaml {
            workflowYAML[workflow.name] = yaml
        }
    }
}
