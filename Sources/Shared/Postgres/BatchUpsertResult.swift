/// What a batch upsert did.
public struct BatchUpsertResult: Sendable, Hashable {
    /// Rows passed in.
    public var received: Int
    /// New keys written.
    public var inserted: Int
    /// Existing rows replaced by a newer version.
    public var updated: Int

    public init(received: Int, inserted: Int, updated: Int) {
        self.received = received
        self.inserted = inserted
        self.updated = updated
    }

    /// Rows written (inserted or updated).
    public var applied: Int { inserted + updated }
    /// Rows not written: older than (or as old as) the stored row, or superseded by a newer
    /// row for the same key in the same batch.
    public var skipped: Int { received - applied }
}
