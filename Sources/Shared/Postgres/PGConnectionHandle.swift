import CLibPQ
import CoreValues
import Foundation
import Logging

/// Owns one `PGconn` and finishes it in `deinit`. Every libpq call of the bridge goes through
/// here. Not thread-safe: it is confined to its `PostgresConnection`'s serial queue, which is
/// why it is `@unchecked Sendable` (it only crosses to that queue, never runs concurrently).
final class PGConnectionHandle: @unchecked Sendable {
    enum TransactionState: Sendable {
        case idle, active, inTransaction, inFailedTransaction, unknown
    }

    private var pointer: OpaquePointer?
    /// Kept alive as long as the connection: libpq holds it as the notice receiver context.
    private let noticeSink: PGNoticeSink

    /// Connects (blocking, bounded by `connect_timeout`) with `parameters`, then `url` as
    /// `dbname`: the URL is revealed only here, for libpq.
    init(parameters: [(String, String)], url: Secret, logger: Logger) throws {
        let keywords = (parameters.map(\.0) + ["dbname"]).map { UnsafePointer(strdup($0)) } + [nil]
        let values = (parameters.map(\.1) + [url.reveal()]).map { UnsafePointer(strdup($0)) } + [nil]
        defer {
            for pointer in keywords + values { free(UnsafeMutablePointer(mutating: pointer)) }
        }
        guard let connection = PQconnectdbParams(keywords, values, 1) else {
            throw PostgresError(code: .connection, message: "libpq could not allocate a connection",
                                operation: "PQconnectdbParams")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            // libpq quotes the connection string, or parts of it, in some of these.
            let message = PostgresError.redacting(url, from: Self.errorMessage(connection))
            PQfinish(connection)
            throw PostgresError(code: .connection, message: message, operation: "PQconnectdbParams")
        }
        self.pointer = connection
        self.noticeSink = PGNoticeSink(logger: logger)
        PQsetNoticeReceiver(connection, { context, result in
            guard let context, let result else { return }
            Unmanaged<PGNoticeSink>.fromOpaque(context).takeUnretainedValue().receive(result)
        }, Unmanaged.passUnretained(noticeSink).toOpaque())
    }

    deinit {
        finish()
    }

    /// Closes the connection now; later calls fail with `.closed`.
    func finish() {
        if let pointer { PQfinish(pointer) }
        pointer = nil
    }

    var isBroken: Bool {
        guard let pointer else { return true }
        return PQstatus(pointer) != CONNECTION_OK
    }

    var socket: Int32 {
        guard let pointer else { return -1 }
        return PQsocket(pointer)
    }

    var backendPID: Int32 {
        guard let pointer else { return 0 }
        return PQbackendPID(pointer)
    }

    var transactionState: TransactionState {
        guard let pointer else { return .unknown }
        switch PQtransactionStatus(pointer) {
        case PQTRANS_IDLE: return .idle
        case PQTRANS_ACTIVE: return .active
        case PQTRANS_INTRANS: return .inTransaction
        case PQTRANS_INERROR: return .inFailedTransaction
        default: return .unknown
        }
    }

    /// Reads what the server sent while idle (notifications, or the end of the connection
    /// after a server restart) without blocking. Returns `false` when the connection broke.
    ///
    /// Reads twice: when the server closes a session it first sends a FATAL message, and
    /// libpq only sees the end of the stream on the read after the one that got data.
    func consumeInput() -> Bool {
        guard let pointer else { return false }
        for _ in 0..<2 {
            guard PQconsumeInput(pointer) == 1, PQstatus(pointer) == CONNECTION_OK else { return false }
        }
        return true
    }

    /// The notifications received so far, oldest first.
    func takeNotifications() -> [PostgresNotification] {
        guard let pointer else { return [] }
        var notifications: [PostgresNotification] = []
        while let notify = PQnotifies(pointer) {
            let channel = notify.pointee.relname.map { String(cString: $0) } ?? ""
            let payload = notify.pointee.extra.map { String(cString: $0) } ?? ""
            notifications.append(PostgresNotification(
                channel: channel, payload: payload, backendPID: notify.pointee.be_pid))
            PQfreemem(notify)
        }
        return notifications
    }

    /// One statement with text-format parameters (`$1`…; `nil` is NULL), extended protocol.
    func execute(_ sql: String, _ parameters: [String?]) throws -> PostgresRows {
        let pointer = try livePointer(operation: "PQexecParams")
        try Self.rejectNUL(in: sql, operation: "PQexecParams")
        let cParameters = try PGParameters(parameters)
        let result = cParameters.withPointers { values in
            PQexecParams(pointer, sql, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        return try finish(result, operation: "PQexecParams")
    }

    /// Several statements separated by semicolons, without parameters (simple protocol).
    func executeScript(_ sql: String) throws -> PostgresRows {
        let pointer = try livePointer(operation: "PQexec")
        try Self.rejectNUL(in: sql, operation: "PQexec")
        return try finish(PQexec(pointer, sql), operation: "PQexec")
    }

    func livePointer(operation: String) throws -> OpaquePointer {
        guard let pointer else { throw PostgresError.closed(operation: operation) }
        return pointer
    }

    /// Turns a finished `PQexec*` result into rows or the matching error.
    func finish(_ rawResult: OpaquePointer?, operation: String) throws -> PostgresRows {
        let pointer = try livePointer(operation: operation)
        guard let rawResult else {
            throw PostgresError(
                code: isBroken ? .connectionLost : .protocolViolation,
                message: Self.errorMessage(pointer), operation: operation)
        }
        let result = PGResult(rawResult)
        switch result.status {
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return .command(affectedRows: result.affectedRows)
        case PGRES_TUPLES_OK:
            return result.rows()
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            abandonCopy(pointer)
            throw PostgresError.invalidArgument(
                "COPY through query/execute is not supported; use the batch upsert", operation: operation)
        case PGRES_FATAL_ERROR:
            throw result.error(operation: operation, connectionBroken: isBroken)
        default:
            throw PostgresError(
                code: isBroken ? .connectionLost : .protocolViolation,
                message: Self.errorMessage(pointer), operation: operation)
        }
    }

    /// Leaves a COPY state the bridge did not ask for, so the connection stays usable.
    private func abandonCopy(_ pointer: OpaquePointer) {
        _ = PQputCopyEnd(pointer, "COPY is not supported here")
        var buffer: UnsafeMutablePointer<CChar>?
        while PQgetCopyData(pointer, &buffer, 0) > 0 {
            PQfreemem(buffer)
            buffer = nil
        }
        while let leftover = PQgetResult(pointer) { PQclear(leftover) }
    }

    static func rejectNUL(in sql: String, operation: String) throws {
        if sql.utf8.contains(0) {
            throw PostgresError.invalidArgument("the SQL text contains a NUL byte", operation: operation)
        }
    }

    /// libpq's last message as one line (it may span several, and never holds a password).
    static func errorMessage(_ pointer: OpaquePointer) -> String {
        guard let text = PQerrorMessage(pointer) else { return "unknown libpq error" }
        let message = String(cString: text)
            .split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: " ")
        return message.isEmpty ? "unknown libpq error" : message
    }
}
