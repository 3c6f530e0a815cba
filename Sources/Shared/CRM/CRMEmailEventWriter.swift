/// The write side of a CRM connector for email events: upserts by event id, in the
/// CRM's batch call (Dynamics `$batch`, Salesforce sObject Collections). HTTP only; it
/// knows nothing of Kafka or PostgreSQL.
///
/// Exports (SPEC §2.2 generic export of a Campaign table) plug in beside it as their own
/// write-side protocol with insert / upsert / update / delete by key; the batching,
/// multipart and result parsing below are meant to be shared with them.
public protocol CRMEmailEventWriter: Sendable {
    /// `dynamics` or `salesforce`.
    var system: String { get }
    /// Most events one `upsert` call accepts (the CRM's batch limit, or less by config).
    var maxBatch: Int { get }

    /// Upserts `events` (at most `maxBatch`, distinct event ids) and answers one outcome
    /// per event, in order, once the CRM answered for every one of them.
    ///
    /// Throttling, server trouble, transport failures and an expired token are retried
    /// (backoff with jitter, `Retry-After`, one token refresh); when they persist it
    /// throws a `CRMError` and the caller must assume none of them was written.
    func upsert(_ events: [CRMEmailEvent]) async throws -> [CRMWriteOutcome]
}
