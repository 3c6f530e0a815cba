import Config

/// Kafka names of SPEC §4, in one place.
public enum Topics {
    /// `crmbridge.crm-to-campaign.<entity>`: compacted, keyed by CRM id.
    public static func crmToCampaign(entity: String) -> String { "crmbridge.crm-to-campaign.\(entity)" }
    public static let emailEvents = "crmbridge.campaign-to-crm.email-events"
    public static func campaignToCRM(export: String) -> String { "crmbridge.campaign-to-crm.\(export)" }
    public static let optOutFromCRM = "crmbridge.opt-in-out.from-crm"
    public static let optOutFromCampaign = "crmbridge.opt-in-out.from-campaign"
    public static func rejects(_ workflow: WorkflowName) -> String { "crmbridge.\(workflow.rawValue).rejects" }
    /// The writer consumer group, so `kafka-consumer-groups --describe` shows the backlog.
    public static func writerGroup(_ workflow: WorkflowName) -> String { "crmbridge.\(workflow.rawValue).writer" }

    /// Entity names become topic names: Kafka allows `[a-zA-Z0-9._-]`, up to 249 chars.
    public static func isValidEntityName(_ entity: String) -> Bool {
        !entity.isEmpty && entity.count <= 180
            && entity.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }
    }
}
