/// The opt-in-out workflow (SPEC §2.3): the email opt-out flag between CRM contacts and
/// Campaign profiles.
public struct OptInOutConfig: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        case disabled
        case crmToCampaign = "crm-to-campaign"
        case campaignToCRM = "campaign-to-crm"
        case bidirectional
    }

    /// Default `disabled`.
    public var mode: Mode
    /// The contact object; default `contacts` / `Contact`.
    public var crmObject: String
    /// The contact id field; default `contactid` / `Id`.
    public var crmIdField: String
    /// The boolean opt-out field; default `donotbulkemail` / `HasOptedOutOfEmail`.
    public var crmField: String
    /// The last-modified field; default `modifiedon` / `SystemModstamp`.
    public var crmModifiedField: String
    /// Default `profiles`.
    public var campaignTable: String
    /// The column holding the CRM id; default `crm_id`.
    public var campaignIdColumn: String
    /// The boolean blocklist column; default `blocklisted`.
    public var campaignColumn: String
    /// When the blocklist column last changed; default `blocklisted_at`.
    public var campaignModifiedColumn: String
    /// Time between the readers' polls; default 1s (a flip shows on the other side within seconds).
    public var interval: Duration
    /// Window overlap; default 5s.
    public var lookBack: Duration

    public init(
        mode: Mode, crmObject: String, crmIdField: String, crmField: String, crmModifiedField: String,
        campaignTable: String = "profiles", campaignIdColumn: String = "crm_id",
        campaignColumn: String = "blocklisted", campaignModifiedColumn: String = "blocklisted_at",
        interval: Duration = .seconds(1), lookBack: Duration = .seconds(5)
    ) {
        self.mode = mode
        self.crmObject = crmObject
        self.crmIdField = crmIdField
        self.crmField = crmField
        self.crmModifiedField = crmModifiedField
        self.campaignTable = campaignTable
        self.campaignIdColumn = campaignIdColumn
        self.campaignColumn = campaignColumn
        self.campaignModifiedColumn = campaignModifiedColumn
        self.interval = interval
        self.lookBack = lookBack
    }

    /// The defaults for a CRM, mode `disabled`.
    public static func defaults(for crm: CRMKind) -> OptInOutConfig {
        OptInOutConfig(
            mode: .disabled, crmObject: crm.contactObject,
            crmIdField: crm.defaultRemoteIdField(entity: "contact"), crmField: crm.defaultOptOutField,
            crmModifiedField: crm.defaultLastModifiedField)
    }
}
