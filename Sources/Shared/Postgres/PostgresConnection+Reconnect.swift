import Logging

extension PostgresConnection {
    /// Called with the session lock held: reconnects a broken (or not yet opened) session.
    /// When the lost session had a transaction open, the new session is opened but the call
    /// throws a retriable `.connectionLost`, so that transaction's owner learns it is gone.
    func ensureConnected(operation: String) async throws {
        let health = try await onQueue { $0.checkHealth() }
        if case .lost = health {
            throw PostgresError(
                code: .connectionLost,
                message: "the connection was lost and is not re-established (its session state is gone)",
                operation: operation)
        }
        guard case .broken(let wasInTransaction) = health else { return }
        try await reconnect(operation: operation)
        if wasInTransaction {
            throw PostgresError(
                code: .connectionLost,
                message: "the connection was lost inside a transaction, which the server rolled back",
                operation: operation)
        }
    }

    /// Opens a new session, trying `reconnect.maxAttempts` times with growing pauses.
    private func reconnect(operation: String) async throws {
        let policy = configuration.reconnect
        var attempt = 0
        while true {
            attempt += 1
            do {
                try await onQueue { try $0.connect() }
                if attempt > 1 {
                    logger.info("PostgreSQL connection re-established", metadata: ["attempts": "\(attempt)"])
                }
                return
            } catch let error as PostgresError where error.isRetriable && attempt < policy.maxAttempts {
                let pause = policy.backoff(afterAttempt: attempt)
                logger.warning(
                    "PostgreSQL connection attempt failed; retrying",
                    metadata: ["attempt": "\(attempt)", "retryIn": "\(pause)", "error": "\(error)"])
                do {
                    try await Task.sleep(for: pause)
                } catch {
                    throw PostgresError(code: .connection, message: "cancelled while reconnecting",
                                        operation: operation)
                }
            }
        }
    }

    /// After the socket watcher saw a listening session break: reconnect (which listens
    /// again) until it works or the connection is closed.
    func recoverListener() async {
        while true {
            do {
                try await withSession(operation: "listen") { _ in }
                return
            } catch let error as PostgresError where error.code == .closed {
                return
            } catch {
                logger.warning("PostgreSQL listener could not reconnect yet", metadata: ["error": "\(error)"])
                do {
                    try await Task.sleep(for: configuration.reconnect.maxBackoff)
                } catch {
                    return
                }
            }
        }
    }
}
