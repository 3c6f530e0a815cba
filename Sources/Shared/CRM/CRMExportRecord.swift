import Foundation
import CoreValues

/// One Campaign row of an export as a CRM receives it: its CRM key (when the export maps
/// one) and the CRM fields to write. The Campaign row id keeps an insert idempotent where
/// the CRM allows it (Dynamics: a stable record id per export and row).
public struct CRMExportRecord: Sendable, Equatable {
    /// The Campaign row's id.
    public var rowID: String
    /// The primary key (`accountid` GUID, Salesforce `Id`) or alternate key / external id
    /// value; nil for an insert.
    public var key: String?
    /// CRM field name → value (not the key field).
    public var fields: [String: FieldValue]
    /// Lookup fields, bound to another CRM record: the Dynamics navigation property
    /// (`parentcustomerid_account`) or Salesforce lookup field (`AccountId`) → the record.
    public var lookups: [String: CRMExportLookup]

    public init(rowID: String, key: String?, fields: [String: FieldValue], lookups: [String: CRMExportLookup] = [:]) {
        self.rowID = rowID
        self.key = key
        self.fields = fields
        self.lookups = lookups
    }
}

/// The CRM record a lookup field of an export links to, by its primary key; a nil `id`
/// clears the link. Each connector writes it its own way: Dynamics
/// `<property>@odata.bind: "/<target>(<guid>)"` (null to clear), Salesforce the lookup
/// field set to the Id.
public struct CRMExportLookup: Sendable, Equatable {
    /// The Dynamics entity set / Salesforce object linked to.
    public var target: String
    /// The linked record's primary key (Dynamics GUID, Salesforce Id); nil clears the link.
    public var id: String?

    public init(target: String, id: String?) {
        self.target = target
        self.id = id
    }
}

/// Where and how an export writes (SPEC §2.2 generic export).
public struct CRMExportTarget: Sendable, Equatable {
    public enum Operation: String, Sendable, Equatable {
        /// No key mapped: a new record per row.
        case insert
        /// By alternate key / external id (or Dynamics primary key): created or updated.
        case upsert
        /// By primary key: an existing record only (a missing one is a reject).
        case update
        /// By primary key: a record already gone counts as done.
        case delete
    }

    /// The export's name (a Dynamics insert derives its record ids from it).
    public var export: String
    /// The Dynamics entity set / Salesforce object.
    public var object: String
    public var operation: Operation
    /// The key field (primary key, or alternate key / external id); nil for insert.
    public var keyField: String?
    /// Whether `keyField` is an alternate key / external id rather than the primary key.
    public var alternateKey: Bool

    public init(export: String, object: String, operation: Operation, keyField: String?, alternateKey: Bool) {
        self.export = export
        self.object = object
        self.operation = operation
        self.keyField = keyField
        self.alternateKey = alternateKey
    }
}

/// The write side of a CRM connector for exports, in the CRM's batch call (Dynamics
/// `$batch`, Salesforce sObject Collections). HTTP only.
public protocol CRMExportWriter: Sendable {
    var target: CRMExportTarget { get }
    /// Most records one `write` call accepts.
    var maxBatch: Int { get }

    /// Writes `records` (at most `maxBatch`, distinct rows) and answers one outcome per
    /// record, in order, once the CRM answered for every one of them. Transient trouble is
    /// retried as for email events; when it persists it throws a `CRMError`.
    func write(_ records: [CRMExportRecord]) async throws -> [CRMWriteOutcome]
}

extension FieldValue {
    /// The value as `JSONSerialization` writes it.
    var jsonObject: Any {
        switch self {
        case .null: return NSNull()
        case .bool(let value): return value
        case .number(let number):
            if let int = Int64(number.text) { return NSNumber(value: int) }
            return NSNumber(value: Double(number.text) ?? 0)
        case .string(let text): return text
        }
    }
}
