import Synchronization

/// Exclusive use of a connection's session while its lock is held: what `withSession`
/// lends to an operation. It never reconnects; after the operation it refuses work.
final class PostgresSession: Sendable {
    let connection: PostgresConnection
    private let isActive = Mutex(true)

    init(connection: PostgresConnection) {
        self.connection = connection
    }

    func end() {
        isActive.withLock { $0 = false }
    }

    func onQueue<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnectionCore) throws -> T
    ) async throws -> T {
        guard isActive.withLock({ $0 }) else {
            throw PostgresError(code: .transactionEnded, message: "the operation has already ended",
                                operation: "session")
        }
        return try await connection.onQueue(body)
    }

    func execute(_ sql: String, _ parameters: [String?]) async throws -> PostgresRows {
        try await onQueue { try $0.execute(sql, parameters) }
    }

    func executeScript(_ sql: String) async throws -> PostgresRows {
        try await onQueue { try $0.executeScript(sql) }
    }


    /// BEGIN, `body`, COMMIT; ROLLBACK when `body` throws.
    func transaction<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresTransaction) async throws -> T
    ) async throws -> T {
        _ = try await execute("BEGIN", [])
        let transaction = PostgresTransaction(session: self)
        let value: T
        do {
            value = try await body(transaction)
        } catch {
            transaction.end()
            await rollback()
            throw error
        }
        transaction.end()
        do {
            _ = try await execute("COMMIT", [])
        } catch {
            // The owner hears of the loss through this error; don't report it twice.
            _ = try? await onQueue { $0.forgetLostTransaction() }
            throw error
        }
        return value
    }

    /// Rolls back, ignoring failures: on a broken connection the server already did.
    private func rollback() async {
        do {
            _ = try await execute("ROLLBACK", [])
        } catch {
            connection.logger.debug("ROLLBACK failed", metadata: ["error": "\(error)"])
            _ = try? await onQueue { $0.forgetLostTransaction() }
        }
    }
}
