import CoreValues
import Dispatch
import Logging
import Synchronization

/// One PostgreSQL session over libpq.
///
/// Every libpq call runs on the connection's own serial `DispatchQueue`, never on Swift's
/// cooperative pool; async callers are bridged with continuations. Operations are serialised
/// by a FIFO lock, so a `transaction` holds the session for its whole body.
///
/// After the server restarted (or the session was terminated) the next call reconnects
/// transparently (unless `PostgresConfiguration.reconnectsAfterLoss` is false), with the bounded retries of `PostgresConfiguration.ReconnectPolicy`. A
/// connection lost while a statement or a transaction was in flight is reported as a
/// retriable `.connectionLost`: the statement may or may not have been applied.
public final class PostgresConnection: PostgresQueryable, Sendable {
    public let configuration: PostgresConfiguration
    /// Notifications of the channels passed to `listen(channel:)`, for one consumer.
    /// Finishes when the connection is closed. Notifications sent while the connection
    /// was down are lost (PostgreSQL does not keep them).
    public let notifications: AsyncStream<PostgresNotification>

    let logger: Logger
    let queue: DispatchQueue
    let gate = PostgresAsyncLock()
    let core: PostgresConnectionCore
    private let isClosed = Mutex(false)

    private init(configuration: PostgresConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        self.queue = DispatchQueue(label: "crmbridge.postgres.connection")
        let (stream, continuation) = AsyncStream.makeStream(
            of: PostgresNotification.self, bufferingPolicy: .bufferingNewest(100_000))
        self.notifications = stream
        self.core = PostgresConnectionCore(
            queue: queue,
            parameters: try configuration.connectionParameters(),
            url: configuration.url,
            logger: logger,
            notifications: continuation,
            reconnectsAfterLoss: configuration.reconnectsAfterLoss)
        // Set on the queue, ahead of any job that could arm the socket watcher.
        queue.async { [core] in
            core.onIdleBreak = { [weak self] in
                Task { await self?.recoverListener() }
            }
        }
    }

    deinit {
        core.finishNotifications()
    }

    /// Connects to `url` (which may hold a password) with the default configuration.
    public static func connect(url: Secret, logger: Logger) async throws -> PostgresConnection {
        try await connect(configuration: PostgresConfiguration(url: url), logger: logger)
    }

    /// Connects, retrying per `configuration.reconnect` while the server is unreachable.
    public static func connect(
        configuration: PostgresConfiguration, logger: Logger
    ) async throws -> PostgresConnection {
        let connection = try PostgresConnection(configuration: configuration, logger: logger)
        try await connection.withSession(operation: "connect") { _ in }
        return connection
    }

    // MARK: Statements

    /// Runs one statement with text parameters (`$1`, `$2`…; `nil` is NULL) and returns its rows.
    public func query(_ sql: String, _ parameters: [String?] = []) async throws -> PostgresRows {
        try await withSession(operation: "query") { try await $0.execute(sql, parameters) }
    }

    /// Runs one statement and returns the number of rows it affected.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [String?] = []) async throws -> Int {
        try await query(sql, parameters).affectedRows
    }

    /// Runs several `;`-separated statements without parameters (DDL, migrations).
    public func executeScript(_ sql: String) async throws {
        try await withSession(operation: "executeScript") { _ = try await $0.executeScript(sql) }
    }

    /// Runs `body` inside BEGIN … COMMIT; a thrown error rolls back and is rethrown. A
    /// connection lost inside the transaction is never re-established transparently: the
    /// call throws a retriable `.connectionLost` and the caller runs the transaction again.
    public func transaction<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresTransaction) async throws -> T
    ) async throws -> T {
        try await withSession(isolation: isolation, operation: "transaction") { session in
            try await session.transaction(isolation: isolation, body)
        }
    }

    public func atomically<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresTransaction) async throws -> T
    ) async throws -> T {
        try await transaction(isolation: isolation, body)
    }

    /// The server process id of the current session (0 when not connected).
    public func backendPID() async throws -> Int32 {
        try await withSession(operation: "backendPID") { session in
            try await session.onQueue { $0.backendPID }
        }
    }

    /// Closes the session. Later calls throw `.closed`; `notifications` finishes.
    public func close() async {
        let wasClosed = isClosed.withLock { closed -> Bool in
            defer { closed = true }
            return closed
        }
        guard !wasClosed else { return }
        await gate.withLock {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                queue.async { [core] in
                    core.closeHandle()
                    core.finishNotifications()
                    continuation.resume()
                }
            }
        }
    }

    // MARK: Session access

    /// Holds the session for `body`, reconnecting first when the connection broke.
    /// Runs in the caller's isolation, so `body` never crosses to another executor.
    func withSession<T>(
        isolation: isolated (any Actor)? = #isolation,
        operation: String,
        _ body: (PostgresSession) async throws -> T
    ) async throws -> T {
        try checkOpen(operation: operation)
        await gate.acquire()
        defer { gate.release() }
        try checkOpen(operation: operation)
        try await ensureConnected(operation: operation)
        let session = PostgresSession(connection: self)
        defer { session.end() }
        return try await body(session)
    }

    func onQueue<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnectionCore) throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { [core] in
                continuation.resume(with: Result { try body(core) })
            }
        }
    }

    private func checkOpen(operation: String) throws {
        if isClosed.withLock({ $0 }) { throw PostgresError.closed(operation: operation) }
    }
}
