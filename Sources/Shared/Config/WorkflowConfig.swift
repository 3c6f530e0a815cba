import Yams

/// One workflow's configuration, as the control service stores and edits it: the YAML
/// of its section (`workflows.<name>` in `crmbridge.yaml`) on its own.
public enum WorkflowConfig: Sendable, Equatable {
    case crmToCampaign(CRMToCampaignConfig)
    case campaignToCRM(CampaignToCRMConfig)
    case optInOut(OptInOutConfig)

    public var name: WorkflowName {
        switch self {
        case .crmToCampaign: .crmToCampaign
        case .campaignToCRM: .campaignToCRM
        case .optInOut: .optInOut
        }
    }

    /// Parses and validates one workflow's section alone. Problem paths are relative to
    /// the section (`entities[1].fields[3].conversion`) and lines to `yaml`. An empty text
    /// gives the workflow's defaults. `crm` decides CRM-specific defaults and limits.
    public static func parse(yaml: String, workflow: WorkflowName, crm: CRMKind) throws(ConfigError) -> WorkflowConfig {
        let reader = ConfigReader()
        let (node, _) = YAMLDocument.compose(yaml, reader: reader)
        let config = read(node, workflow: workflow, at: .root, crm: crm, reader: reader)
        guard reader.problems.isEmpty else {
            throw ConfigError(reader.problems)
        }
        return config
    }

    static func read(
        _ node: Node?, workflow: WorkflowName, at path: ConfigPath, crm: CRMKind, reader: ConfigReader
    ) -> WorkflowConfig {
        switch workflow {
        case .crmToCampaign:
            .crmToCampaign(CRMToCampaignConfig.read(node, at: path, crm: crm, reader: reader))
        case .campaignToCRM:
            .campaignToCRM(CampaignToCRMConfig.read(node, at: path, crm: crm, reader: reader))
        case .optInOut:
            .optInOut(OptInOutConfig.read(node, at: path, crm: crm, reader: reader))
        }
    }
}
