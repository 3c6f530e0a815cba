import CRMConnectors
import Config

/// What tells one write of a contact from the next in the CRM. The last-modified time
/// has whole seconds (Dynamics `modifiedon`, Salesforce `SystemModstamp`), so a person's
/// edit made in the same second as the sync's own write, leaving the same value, would
/// pass for the sync's write: its time would then be taken for the Campaign change the
/// sync carried, and a same-second conflict decided against the rule. The stamp closes
/// that gap:
///
/// - Dynamics `versionnumber`: the row version, which every write moves;
/// - Salesforce `LastModifiedById`: the user of the last write. The sync runs as its own
///   integration user (docs/opt-in-out.md), so a person's edit shows another user. An
///   edit by another process running as that same user within the same second stays
///   indistinguishable, as on any integration reading Salesforce.
struct CRMWriteStamp: Sendable {
    let field: String

    init(kind: CRMKind) {
        field = switch kind {
        case .dynamics: "versionnumber"
        case .salesforce: "LastModifiedById"
        }
    }

    /// The contacts' flag, id, last-modified time and stamp.
    func query(_ config: OptInOutConfig) -> CRMQuery {
        CRMQuery(
            remoteObject: config.crmObject, fields: [config.crmField, field], pageSize: 1000,
            idField: config.crmIdField, modifiedField: config.crmModifiedField)
    }

    func of(_ record: CRMRecord) -> String? {
        record.fields[field]?.text
    }
}
