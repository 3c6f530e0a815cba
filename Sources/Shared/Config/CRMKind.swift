import CoreValues

/// The CRM a deployment talks to, and its conventions used as config defaults.
public enum CRMKind: String, Sendable, CaseIterable {
    case dynamics
    case salesforce

    /// The default id field of an entity: Dynamics names its primary key after the
    /// entity's logical name (`contact` → `contactid`); Salesforce always uses `Id`.
    public func defaultRemoteIdField(entity: String) -> String {
        switch self {
        case .dynamics: entity.lowercased() + "id"
        case .salesforce: "Id"
        }
    }

    /// The last-modified field of every record: `modifiedon` / `SystemModstamp`.
    public var defaultLastModifiedField: String {
        switch self {
        case .dynamics: "modifiedon"
        case .salesforce: "SystemModstamp"
        }
    }

    /// The contact object: the `contacts` entity set / the `Contact` sObject.
    public var contactObject: String {
        switch self {
        case .dynamics: "contacts"
        case .salesforce: "Contact"
        }
    }

    /// The contact's bulk-email opt-out flag: `donotbulkemail` / `HasOptedOutOfEmail`.
    public var defaultOptOutField: String {
        switch self {
        case .dynamics: "donotbulkemail"
        case .salesforce: "HasOptedOutOfEmail"
        }
    }

    /// Page sizes the CRM honours when reading: Dynamics `odata.maxpagesize` up to 5000,
    /// Salesforce `batchSize` 200…2000.
    public var pageSizeRange: ClosedRange<Int> {
        switch self {
        case .dynamics: 1...5000
        case .salesforce: 200...2000
        }
    }

    /// Operations per write batch: Dynamics `$batch` ≤ 1000, sObject Collections ≤ 200.
    public var batchSizeRange: ClosedRange<Int> {
        switch self {
        case .dynamics: 1...1000
        case .salesforce: 1...200
        }
    }

    /// The envelope `system` of records read from this CRM.
    public var envelopeSystem: Envelope.System {
        switch self {
        case .dynamics: .dynamics
        case .salesforce: .salesforce
        }
    }
}
