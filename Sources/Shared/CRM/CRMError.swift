/// A failure of a CRM connector: the CRM refused a call, answered something that is not
/// what its API documents, or could not be reached after the allowed retries.
///
/// The description names the CRM, the operation, the status and the CRM's own code and
/// message. It never holds access tokens, client secrets, request bodies or record values.
public struct CRMError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; the CRM's own code is in `remoteCode`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String

        private init(_ name: String) { self.name = name }

        public var description: String { name }

        /// The CRM answered with an error status (4xx, 5xx) for the request itself.
        public static let remote = Code("remote")
        /// The credentials were refused, or a fresh token was refused as well.
        public static let authentication = Code("authentication")
        /// 429 / service protection limits, still answered after every retry.
        public static let throttled = Code("throttled")
        /// 503 or another transient server failure, still answered after every retry.
        public static let unavailable = Code("unavailable")
        /// The CRM could not be reached (connection, timeout) after every retry.
        public static let transport = Code("transport")
        /// The answer is not what the CRM's API documents (truncated JSON, missing member).
        public static let malformedResponse = Code("malformedResponse")
        /// Dynamics change tracking: the delta token is older than the organisation keeps.
        /// The caller must fall back to a full resync.
        public static let deltaTokenExpired = Code("deltaTokenExpired")
        /// Salesforce replication: the window starts before the CRM keeps its log.
        public static let replicationWindowTooOld = Code("replicationWindowTooOld")
        /// Salesforce `getDeleted`: the delete log was purged past the window's start
        /// (`earliestDateAvailable` after it), so deletes in between cannot be read. As
        /// with an expired delta token, the caller must resync fully.
        public static let deleteLogPurged = Code("deleteLogPurged")
        /// The connector refused the request before sending it (bad id, bad window).
        public static let invalidRequest = Code("invalidRequest")
    }

    /// Which CRM answered (`dynamics`, `salesforce`).
    public var system: String
    public var code: Code
    /// What the connector was doing, e.g. `query contacts` (no values, no secrets).
    public var operation: String
    /// The HTTP status, when the CRM answered.
    public var status: Int?
    /// The CRM's own error code (`0x80040217`, `INVALID_FIELD`), when it sent one.
    public var remoteCode: String?
    /// The CRM's own message, or the connector's explanation.
    public var message: String
    /// Whether the same call may succeed later (after the retries already spent).
    public var isRetriable: Bool

    public init(
        system: String, code: Code, operation: String, status: Int? = nil,
        remoteCode: String? = nil, message: String, isRetriable: Bool = false
    ) {
        self.system = system
        self.code = code
        self.operation = operation
        self.status = status
        self.remoteCode = remoteCode
        self.message = message
        self.isRetriable = isRetriable
    }

    public var description: String {
        var text = "\(system) \(operation) failed (\(code)"
        if let status { text += ", HTTP \(status)" }
        if let remoteCode, !remoteCode.isEmpty { text += ", \(remoteCode)" }
        text += ")"
        if !message.isEmpty { text += ": \(message)" }
        return text
    }
}

extension CRMError {
    /// Whether an HTTP status is worth retrying as is (throttling, transient server trouble).
    static func isRetriableStatus(_ status: Int) -> Bool {
        status == 429 || status == 502 || status == 503 || status == 504
    }

    /// The connector's code for an error status the CRM answered.
    static func code(forStatus status: Int) -> Code {
        switch status {
        case 401: return .authentication
        case 429: return .throttled
        case 502, 503, 504: return .unavailable
        default: return .remote
        }
    }
}
