/// What a connection, a pooled connection and a running transaction all offer, so code
/// (writers, the batch upsert) can work either inside or outside a transaction.
public protocol PostgresQueryable: Sendable {
    /// One statement with text parameters (`nil` is NULL); its rows.
    func query(_ sql: String, _ parameters: [String?]) async throws -> PostgresRows
    /// One statement; the number of rows it affected.
    @discardableResult
    func execute(_ sql: String, _ parameters: [String?]) async throws -> Int
    /// Several statements without parameters.
    func executeScript(_ sql: String) async throws
    /// Runs `body` atomically: in a new transaction, or in the running one. Pass
    /// `#isolation` (the conforming types default to it).
    func atomically<T>(
        isolation: isolated (any Actor)?,
        _ body: (PostgresTransaction) async throws -> T
    ) async throws -> T
}
