import CoreValues
import Foundation

/// One record read from a CRM: its id, when it last changed, and the fields the CRM
/// returned (annotations and protocol members such as `@odata.etag` or `attributes`
/// left out). Values are kept as the CRM sent them; datetimes stay text so the
/// per-field conversion (default, dateOnly, withoutTimeOffset, copy) can be applied later.
public struct CRMRecord: Sendable, Equatable {
    /// The CRM's primary key (`contactid` GUID, Salesforce 18-character `Id`).
    public var id: String
    /// The last-modified field (`modifiedon`, `SystemModstamp`, …), as an instant.
    public var modifiedAt: Date
    public var fields: [String: FieldValue]

    public init(id: String, modifiedAt: Date, fields: [String: FieldValue]) {
        self.id = id
        self.modifiedAt = modifiedAt
        self.fields = fields
    }
}
