/// One boolean field of one existing CRM record to set (opt-in-out: the contact's
/// opt-out flag).
public struct CRMFlagUpdate: Sendable, Equatable {
    /// The record's primary key (Dynamics GUID, Salesforce 18-character id).
    public var id: String
    public var value: Bool

    public init(id: String, value: Bool) {
        self.id = id
        self.value = value
    }
}

/// The write side of a CRM connector for one boolean field of existing records, in the
/// CRM's batch call (Dynamics `$batch` of `PATCH` with `If-Match: *`, Salesforce sObject
/// Collections update). It never creates a record: an unknown id is a reject. HTTP only;
/// it knows nothing of Kafka or PostgreSQL.
public protocol CRMFlagWriter: Sendable {
    /// `dynamics` or `salesforce`.
    var system: String { get }
    /// Most updates one `update` call accepts (the CRM's batch limit).
    var maxBatch: Int { get }

    /// Sets the field on each record (at most `maxBatch`, distinct ids); one outcome per
    /// update, in order. Transient trouble is retried as for email events
    /// (`CRMPartRetry`, `CRMExchange`); when it persists it throws a `CRMError` and the
    /// caller must assume nothing was written.
    func update(_ updates: [CRMFlagUpdate]) async throws -> [CRMWriteOutcome]
}
