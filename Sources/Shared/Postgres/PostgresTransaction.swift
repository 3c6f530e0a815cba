import Synchronization

/// The session of a running `transaction { … }`: statements run inside that transaction.
/// Using it after the transaction ended throws `.transactionEnded`.
public final class PostgresTransaction: PostgresQueryable, Sendable {
    let session: PostgresSession
    private let isActive = Mutex(true)

    init(session: PostgresSession) {
        self.session = session
    }

    func end() {
        isActive.withLock { $0 = false }
    }

    public func query(_ sql: String, _ parameters: [String?] = []) async throws -> PostgresRows {
        try checkActive()
        return try await session.execute(sql, parameters)
    }

    @discardableResult
    public func execute(_ sql: String, _ parameters: [String?] = []) async throws -> Int {
        try await query(sql, parameters).affectedRows
    }

    public func executeScript(_ sql: String) async throws {
        try checkActive()
        _ = try await session.executeScript(sql)
    }

    /// Already atomic: runs `body` in this transaction.
    public func atomically<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresTransaction) async throws -> T
    ) async throws -> T {
        try checkActive()
        return try await body(self)
    }



    private func checkActive() throws {
        guard isActive.withLock({ $0 }) else {
            throw PostgresError(code: .transactionEnded, message: "the transaction has already ended",
                                operation: "transaction")
        }
    }
}
