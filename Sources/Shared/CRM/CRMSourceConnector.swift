import Foundation

/// Pages of records, fetched lazily: a page is requested from the CRM only when the
/// consumer asks for the next element, so memory stays bounded whatever the volume.
public typealias CRMPages = AsyncThrowingStream<[CRMRecord], any Error>

/// The read side of one CRM (SPEC §2.1). A connector knows the CRM's wire format and
/// nothing of Kafka or PostgreSQL. Both CRMs implement it; errors are `CRMError`s.
public protocol CRMSourceConnector: Sendable {
    /// `dynamics` or `salesforce`, as in the envelope's `system`.
    var system: String { get }

    /// The last-modified field used when a query names none.
    var defaultModifiedField: String { get }

    /// Every record of `query` whose last-modified field is in `window` (`[start, end)`),
    /// or every record when `window` is nil (full load), ordered by last-modified then id
    /// unless the query says otherwise.
    func pages(_ query: CRMQuery, modifiedIn window: ModifiedWindow?) -> CRMPages

    /// The records with the given ids ("population calculated upstream"), fetched in
    /// chunks whose request stays under the URL limit; every id is escaped (or refused)
    /// for the target language. Ids the CRM does not know are simply absent.
    func records(ids: [String], query: CRMQuery) -> CRMPages

    /// Records deleted in the CRM since `checkpoint` (nil: start tracking now, nothing
    /// reported), with the checkpoint to pass next time. Dynamics: change tracking (the
    /// checkpoint is the delta link; `CRMError.Code.deltaTokenExpired` means a full resync
    /// is needed). Salesforce: `getDeleted` from the checkpoint to `end`, both inclusive
    /// (`CRMError.Code.replicationWindowTooOld` when the checkpoint is older than the
    /// CRM keeps its delete log).
    func deletedRecords(_ query: CRMQuery, since checkpoint: DeletionCheckpoint?, until end: Date)
        async throws -> CRMDeletions
}

/// Where the previous delete scan stopped: a Dynamics delta link, or the Salesforce
/// `latestDateCovered` as an RFC 3339 instant. Opaque to callers; store it as text.
public struct DeletionCheckpoint: Sendable, Hashable, Codable, RawRepresentable {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// A record the CRM reports as deleted.
public struct CRMDeletedRecord: Sendable, Hashable {
    public var id: String
    /// When it was deleted, when the CRM says (Salesforce `deletedDate`).
    public var deletedAt: Date?

    public init(id: String, deletedAt: Date? = nil) {
        self.id = id
        self.deletedAt = deletedAt
    }
}

/// The outcome of one delete scan.
public struct CRMDeletions: Sendable {
    public var deleted: [CRMDeletedRecord]
    /// Ids the CRM reports as created or changed in the same scan (Dynamics change
    /// tracking); empty for Salesforce.
    public var changedIDs: [String]
    /// What to pass as `since` next time.
    public var checkpoint: DeletionCheckpoint

    public init(deleted: [CRMDeletedRecord], changedIDs: [String] = [], checkpoint: DeletionCheckpoint) {
        self.deleted = deleted
        self.changedIDs = changedIDs
        self.checkpoint = checkpoint
    }
}
