import CoreValues
import Dispatch
import Logging

/// The mutable state of one `PostgresConnection`: the libpq handle, the channels it listens
/// to and the socket watcher that delivers notifications while idle. Every member is used
/// only on the connection's serial queue (hence `@unchecked Sendable`).
final class PostgresConnectionCore: @unchecked Sendable {
    enum Health: Sendable {
        case healthy
        /// Broken or never connected; `wasInTransaction` when the server held an open
        /// transaction for us that is now gone.
        case broken(wasInTransaction: Bool)
        /// Lost after it had been open, on a connection that does not reconnect after a loss.
        case lost
    }

    private let queue: DispatchQueue
    private let parameters: [(String, String)]
    private let url: Secret
    private let logger: Logger
    private let notifications: AsyncStream<PostgresNotification>.Continuation
    /// Called (on the queue) when the watcher finds the connection broken while idle.
    var onIdleBreak: @Sendable () -> Void = {}
    private let reconnectsAfterLoss: Bool
    private var hasConnected = false

    private var handle: PGConnectionHandle?
    private var readSource: DispatchSourceRead?
    private var channels: Set<String> = []
    private var lastTransactionState: PGConnectionHandle.TransactionState = .idle

    init(
        queue: DispatchQueue,
        parameters: [(String, String)],
        url: Secret,
        logger: Logger,
        notifications: AsyncStream<PostgresNotification>.Continuation,
        reconnectsAfterLoss: Bool
    ) {
        self.queue = queue
        self.parameters = parameters
        self.url = url
        self.logger = logger
        self.notifications = notifications
        self.reconnectsAfterLoss = reconnectsAfterLoss
    }

    deinit {
        closeHandle()
    }

    // MARK: Connection life

    /// Reads pending input without blocking, so a connection the server closed (restart,
    /// terminated backend) is noticed before a statement is sent on it.
    func checkHealth() -> Health {
        guard let handle, !handle.isBroken, handle.consumeInput() else {
            if hasConnected && !reconnectsAfterLoss { return .lost }
            return .broken(wasInTransaction: lastTransactionState.isInTransaction)
        }
        deliverNotifications()
        return .healthy
    }

    /// Replaces the handle with a new connection and listens again to every channel.
    func connect() throws {
        closeHandle()
        let fresh = try PGConnectionHandle(parameters: parameters, url: url, logger: logger)
        for channel in channels.sorted() {
            _ = try fresh.execute("LISTEN \(PostgresIdentifier.quote(channel))", [])
        }
        handle = fresh
        hasConnected = true
        lastTransactionState = .idle
        if !channels.isEmpty { armReadSource() }
    }

    /// Closes the connection; a later `connect()` may open it again.
    func closeHandle() {
        let old = handle
        handle = nil
        if let readSource {
            // libpq owns the socket: close it only once the watcher has let go of it.
            readSource.setCancelHandler { old?.finish() }
            readSource.cancel()
            self.readSource = nil
        } else {
            old?.finish()
        }
    }

    func finishNotifications() {
        notifications.finish()
    }

    /// Forgets that the lost session had a transaction open (its owner has been told).
    func forgetLostTransaction() {
        lastTransactionState = .idle
    }

    var backendPID: Int32 { handle?.backendPID ?? 0 }


    // MARK: Statements

    func execute(_ sql: String, _ parameters: [String?]) throws -> PostgresRows {
        try run { try $0.execute(sql, parameters) }
    }

    func executeScript(_ sql: String) throws -> PostgresRows {
        try run { try $0.executeScript(sql) }
    }


    private func run<T>(_ body: (PGConnectionHandle) throws -> T) throws -> T {
        guard let handle else {
            // Dropped by the socket watcher (server gone) between two statements.
            throw PostgresError(code: .connectionLost, message: "the connection was lost", operation: "execute")
        }
        defer {
            if !handle.isBroken { lastTransactionState = handle.transactionState }
            deliverNotifications()
        }
        return try body(handle)
    }

    // MARK: Notifications

    func listen(_ channel: String) throws {
        _ = try execute("LISTEN \(PostgresIdentifier.quote(channel))", [])
        channels.insert(channel)
        if readSource == nil { armReadSource() }
    }

    func unlisten(_ channel: String) throws {
        _ = try execute("UNLISTEN \(PostgresIdentifier.quote(channel))", [])
        channels.remove(channel)
    }

    private func deliverNotifications() {
        guard let handle else { return }
        for notification in handle.takeNotifications() {
            notifications.yield(notification)
        }
    }

    /// Watches the socket while idle so notifications arrive without a statement.
    private func armReadSource() {
        guard let handle, handle.socket >= 0 else { return }
        let source = DispatchSource.makeReadSource(fileDescriptor: handle.socket, queue: queue)
        source.setEventHandler { [weak self] in self?.socketReadable() }
        readSource = source
        source.activate()
    }

    private func socketReadable() {
        guard let handle else { return }
        if handle.consumeInput() {
            deliverNotifications()
            return
        }
        closeHandle()
        guard reconnectsAfterLoss else {
            // Nothing will re-establish it: whoever reads the notifications learns now.
            logger.warning("PostgreSQL connection lost while listening")
            finishNotifications()
            return
        }
        logger.warning("PostgreSQL connection lost while listening; reconnecting")
        onIdleBreak()
    }
}

extension PGConnectionHandle.TransactionState {
    var isInTransaction: Bool {
        self == .inTransaction || self == .inFailedTransaction || self == .active
    }
}
