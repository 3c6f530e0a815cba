import Logging
import Synchronization

/// A small bounded pool: at most `maxConnections` sessions, opened lazily, lent one at a time
/// and waited for in FIFO order when all are busy. Connections reconnect by themselves, so
/// the pool only counts and lends them.
public final class PostgresPool: PostgresQueryable, Sendable {
    private enum Lease: Sendable {
        case connection(PostgresConnection)
        case open
    }

    private struct State: Sendable {
        var idle: [PostgresConnection] = []
        var opened = 0
        var waiters: [CheckedContinuation<Lease, Error>] = []
        var isClosed = false
    }

    public let configuration: PostgresConfiguration
    public let maxConnections: Int
    private let logger: Logger
    private let state = Mutex(State())

    /// `maxConnections` defaults to 4 (at least 1).
    public init(configuration: PostgresConfiguration, maxConnections: Int = 4, logger: Logger) {
        self.configuration = configuration
        self.maxConnections = max(1, maxConnections)
        self.logger = logger
    }

    /// Lends a connection for `body`, and takes it back afterwards.
    public func withConnection<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await acquire()
        defer { release(connection) }
        return try await body(connection)
    }

    public func query(_ sql: String, _ parameters: [String?] = []) async throws -> PostgresRows {
        try await withConnection { try await $0.query(sql, parameters) }
    }

    @discardableResult
    public func execute(_ sql: String, _ parameters: [String?] = []) async throws -> Int {
        try await withConnection { try await $0.execute(sql, parameters) }
    }

    public func executeScript(_ sql: String) async throws {
        try await withConnection { try await $0.executeScript(sql) }
    }

    public func atomically<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresTransaction) async throws -> T
    ) async throws -> T {
        try await withConnection(isolation: isolation) { connection in
            try await connection.transaction(isolation: isolation, body)
        }
    }

    /// Closes idle connections now and busy ones when they come back; waiters get `.closed`.
    public func close() async {
        let (idle, waiters) = state.withLock { state in
            state.isClosed = true
            defer {
                state.idle.removeAll()
                state.waiters.removeAll()
            }
            return (state.idle, state.waiters)
        }
        for waiter in waiters { waiter.resume(throwing: PostgresError.closed(operation: "pool")) }
        for connection in idle { await connection.close() }
    }

    private func acquire() async throws -> PostgresConnection {
        let lease: Lease = try await withCheckedThrowingContinuation { continuation in
            let immediate = state.withLock { state -> Result<Lease, Error>? in
                if state.isClosed { return .failure(PostgresError.closed(operation: "pool")) }
                if let connection = state.idle.popLast() { return .success(.connection(connection)) }
                if state.opened < maxConnections {
                    state.opened += 1
                    return .success(.open)
                }
                state.waiters.append(continuation)
                return nil
            }
            if let immediate { continuation.resume(with: immediate) }
        }
        switch lease {
        case .connection(let connection):
            return connection
        case .open:
            do {
                return try await PostgresConnection.connect(configuration: configuration, logger: logger)
            } catch {
                // Give the slot to the next waiter (it will try to open), or free it.
                let waiter = state.withLock { state -> CheckedContinuation<Lease, Error>? in
                    if state.waiters.isEmpty {
                        state.opened -= 1
                        return nil
                    }
                    return state.waiters.removeFirst()
                }
                waiter?.resume(returning: .open)
                throw error
            }
        }
    }

    private func release(_ connection: PostgresConnection) {
        let (waiter, closeIt) = state.withLock { state -> (CheckedContinuation<Lease, Error>?, Bool) in
            if state.isClosed {
                state.opened -= 1
                return (nil, true)
            }
            if !state.waiters.isEmpty { return (state.waiters.removeFirst(), false) }
            state.idle.append(connection)
            return (nil, false)
        }
        if closeIt { Task { await connection.close() } }
        waiter?.resume(returning: .connection(connection))
    }
}
