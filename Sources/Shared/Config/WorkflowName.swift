/// The three workflows. Their names are fixed by the spec and appear in topics,
/// consumer groups, option names, the API and the CLI.
public enum WorkflowName: String, CaseIterable, Sendable, Codable {
    case crmToCampaign = "crm-to-campaign"
    case campaignToCRM = "campaign-to-crm"
    case optInOut = "opt-in-out"

    /// Parses a user-given name, with the list of valid names in the error.
    public static func parse(_ text: String) throws(UnknownWorkflowError) -> WorkflowName {
        guard let name = WorkflowName(rawValue: text) else { throw UnknownWorkflowError(name: text) }
        return name
    }
}

public struct UnknownWorkflowError: Error, CustomStringConvertible, Equatable {
    public let name: String
    public var description: String {
        "unknown workflow \"\(name)\" (expected one of: \(WorkflowName.allCases.map(\.rawValue).joined(separator: ", ")))"
    }
}
