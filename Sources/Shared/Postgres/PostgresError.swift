import CoreValues
import Foundation

/// The one error type of the PostgreSQL bridge.
///
/// Its `description` carries the code, the SQLSTATE, the server's primary message and the
/// operation that failed, and never the statement's parameters, row values or the
/// connection URL (which may hold a password). Server messages of SQLSTATE class 22 (data
/// exceptions such as `invalid input syntax for type integer: "abc"`) quote the offending
/// value, so their quoted parts are redacted.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: String, Sendable, Hashable {
        /// Could not connect (server down, refused, authentication failed, timeout).
        case connection
        /// The connection broke while a statement or a transaction was in flight: the
        /// statement may or may not have been applied.
        case connectionLost
        /// The server answered with an error (see `sqlState`).
        case server
        /// The server or libpq answered something the bridge did not expect.
        case protocolViolation
        /// The caller passed something unusable (a NUL byte, a wrong row width, a bad name).
        case invalidArgument
        /// A value could not be read as the requested type.
        case decoding
        /// The table does not have the columns a plan expects.
        case schemaMismatch
        /// The connection or pool was closed by its owner.
        case closed
        /// A transaction handle was used after its transaction ended.
        case transactionEnded
    }

    public var code: Code
    /// The five-character SQLSTATE the server reported, when it reported one.
    public var sqlState: String?
    /// A message safe to log: the server's primary message, or the bridge's own.
    public var message: String
    /// The operation or libpq function that failed (`PQexecParams`, `connect`, `COPY`…).
    public var operation: String

    public init(code: Code, sqlState: String? = nil, message: String, operation: String) {
        self.code = code
        self.sqlState = sqlState
        self.message = message
        self.operation = operation
    }

    /// Whether trying again later (on the same or a new connection) may succeed.
    public var isRetriable: Bool {
        switch code {
        case .connection, .connectionLost:
            return true
        case .server:
            guard let sqlState else { return false }
            return Self.retriableStates.contains(sqlState) || sqlState.hasPrefix("08")
        case .protocolViolation, .invalidArgument, .decoding, .schemaMismatch, .closed,
             .transactionEnded:
            return false
        }
    }

    /// SQLSTATEs that describe a transient condition (class 08 is added by prefix).
    static let retriableStates: Set<String> = [
        "40001",  // serialization_failure
        "40P01",  // deadlock_detected
        "55P03",  // lock_not_available
        "53300",  // too_many_connections
        "57P01",  // admin_shutdown
        "57P02",  // crash_shutdown
        "57P03",  // cannot_connect_now
    ]

    public var description: String {
        var text = "PostgresError.\(code.rawValue)"
        if let sqlState { text += " [\(sqlState)]" }
        text += " in \(operation): \(message)"
        return text
    }
}

extension PostgresError {
    static func invalidArgument(_ message: String, operation: String) -> PostgresError {
        PostgresError(code: .invalidArgument, message: message, operation: operation)
    }

    static func decoding(_ message: String) -> PostgresError {
        PostgresError(code: .decoding, message: message, operation: "decode")
    }

    static func closed(operation: String) -> PostgresError {
        PostgresError(code: .closed, message: "the connection was closed", operation: operation)
    }

    /// Makes a server message safe to log: drops values that class 22 messages quote.
    static func redactedServerMessage(_ message: String, sqlState: String?) -> String {
        let firstLine = message.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        guard let sqlState, sqlState.hasPrefix("22") else { return firstLine }
        var result = ""
        var insideQuotes = false
        for character in firstLine {
            if character == "\"" {
                if !insideQuotes { result += "\"…\"" }
                insideQuotes.toggle()
            } else if !insideQuotes {
                result.append(character)
            }
        }
        return result
    }

    /// Makes a libpq connection error safe to log: libpq quotes the connection string
    /// (`end of string reached … in URI: "postgresql://…"`) or parts of it (a bad
    /// percent-encoded password, an invalid option value) in some of them. Every
    /// occurrence of the URL and of its password, as written and decoded, becomes `***`.
    static func redacting(_ url: Secret, from message: String) -> String {
        let text = url.reveal()
        var secrets = [text]
        for password in passwords(in: text) {
            secrets.append(password)
            if let decoded = password.removingPercentEncoding { secrets.append(decoded) }
        }
        var result = message
        for secret in Set(secrets).filter({ !$0.isEmpty }).sorted(by: { $0.count > $1.count }) {
            result = result.replacingOccurrences(of: secret, with: "***")
        }
        return result
    }

    /// The passwords a libpq connection string may carry: the URL's `user:password@`, and
    /// `password=` in a key/value string or a URL query.
    private static func passwords(in text: String) -> [String] {
        var found: [String] = []
        if let scheme = text.range(of: "://") {
            let rest = text[scheme.upperBound...]
            let authority = rest.prefix { $0 != "/" && $0 != "?" }
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                found.append(String(authority[authority.index(after: colon)..<at]))
            }
        }
        var search = text.startIndex..<text.endIndex
        while let key = text.range(of: "password", options: .caseInsensitive, range: search) {
            search = key.upperBound..<text.endIndex
            var value = text[key.upperBound...].drop { $0 == " " }
            guard value.first == "=" else { continue }
            value = value.dropFirst().drop { $0 == " " }
            if value.first == "'" {
                found.append(String(value.dropFirst().prefix { $0 != "'" }))
            } else {
                found.append(String(value.prefix { !$0.isWhitespace && $0 != "&" }))
            }
        }
        return found
    }
}
