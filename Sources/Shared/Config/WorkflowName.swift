/// The three workflows, by their fixed names (SPEC §2).
public enum WorkflowName: String, Sendable, CaseIterable, Codable {
    case crmToCampaign = "crm-to-campaign"
    case campaignToCRM = "campaign-to-crm"
    case optInOut = "opt-in-out"
}
