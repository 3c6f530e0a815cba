/// What a batch delete did.
public struct BatchDeleteResult: Sendable, Hashable {
    public var received: Int
    /// Rows removed (their version was older than or equal to the delete's).
    public var deleted: Int
    /// Deletions that found no row, or a row newer than the delete.
    public var skipped: Int { received - deleted }

    public init(received: Int, deleted: Int) {
        self.received = received
        self.deleted = deleted
    }
}
