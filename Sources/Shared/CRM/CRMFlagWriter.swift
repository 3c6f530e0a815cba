/// One boolean field of one existing CRM record to set (opt-in-out: the contact's
/// opt-out flag).
public struct CRMFlagUpdate: Sendable, Equatable {
    /// The record's primary key (Dynamics GUID, Salesforce 18-character id).
    public var id: String
    public var value: Bool
    /// The record's row version the value was decided against (Dynamics `versionnumber`,
    /// sent as `If-Match: W/"<version>"`): the write lands only on that version, and a
    /// record changed since is answered `changedSinceRead`, never overwritten. `nil`
    /// writes whatever the record holds. A CRM without conditional updates (Salesforce)
    /// ignores it.
    public var version: String?

    public init(id: String, value: Bool, version: String? = nil) {
        self.id = id
        self.value = value
        self.version = version
    }

    /// The reject code of an update whose record changed after the version it was
    /// given (Dynamics 412): nothing was written; the caller reads the record again and
    /// decides again. It is not a reject of the input.
    public static let changedSinceRead = "changed-since-read"

    /// As `changedSinceRead`, but the call had been sent before without a readable answer
    /// (a cut body, a timeout, a 5xx; not a 429, which is refused before any work) and was
    /// sent again: the change the CRM refused on may
    /// be this very write, applied by the earlier send. The caller tells the two apart from
    /// the record as it now is (docs/opt-in-out.md, "Concurrent CRM edits").
    public static let changedSinceReadAfterResend = "changed-since-read-after-resend"
}

/// What the CRM answered for one `CRMFlagUpdate`.
public struct CRMFlagResult: Sendable, Equatable {
    public var outcome: CRMWriteOutcome
    /// The record as the CRM answered right after this very write (Dynamics `Prefer:
    /// return=representation`: the writer's `returning` columns, with the last-modified
    /// time and row version the write gave it); nil when the CRM answers none
    /// (Salesforce Collections) or the answer could not be read.
    public var written: CRMRecord?

    public init(_ outcome: CRMWriteOutcome, written: CRMRecord? = nil) {
        self.outcome = outcome
        self.written = written
    }
}

/// The write side of a CRM connector for one boolean field of existing records, in the
/// CRM's batch call (Dynamics `$batch` of `PATCH` with `If-Match: *`, or the record's etag when the update
/// carries a version, Salesforce sObject
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
    func update(_ updates: [CRMFlagUpdate]) async throws -> [CRMFlagResult]
}
