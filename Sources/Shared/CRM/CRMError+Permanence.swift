extension CRMError {
    /// Whether the same call can only succeed after an operator changed something (the
    /// mapping, the credentials, a permission), so retrying it is pointless: the caller
    /// fails its workflow naming the cause instead (SPEC §3).
    ///
    /// Told apart by the CRM's own code first, then by the status:
    /// - permanent: Salesforce `INVALID_FIELD`, `INVALID_TYPE`, `MALFORMED_QUERY`,
    ///   `INVALID_QUERY_FILTER_OPERATOR`…; a Dynamics 400 on a query (`0x80060888` unknown
    ///   property, `0x80040203` bad argument) or 404 (`0x8006088a` unknown entity set,
    ///   `0x80040217`); credentials refused even after one fresh token (401); a 403 other
    ///   than Salesforce's daily allocation (`REQUEST_LIMIT_EXCEEDED`, which passes);
    /// - transient: 429, 5xx, timeouts, connection errors, truncated answers, and every
    ///   error the CRM itself marks as worth retrying.
    public var isPermanent: Bool {
        if isRetriable { return false }
        if let remoteCode {
            if Self.transientRemoteCodes.contains(remoteCode) { return false }
            if Self.permanentRemoteCodes.contains(remoteCode) { return true }
        }
        switch code {
        case .transport, .throttled, .unavailable, .malformedResponse, .deltaTokenExpired, .deleteLogPurged:
            return false
        case .authentication, .replicationWindowTooOld, .invalidRequest:
            return true
        default:
            guard let status else { return false }
            return Self.isPermanentStatus(status)
        }
    }

    /// A 4xx says the request itself is wrong, except the statuses that say "not now"
    /// (408 timeout, 409 conflict, 423 locked, 425 too early, 429 throttled).
    static func isPermanentStatus(_ status: Int) -> Bool {
        (400..<500).contains(status) && ![408, 409, 423, 425, 429].contains(status)
    }

    /// Codes that name a mistake in the request or the mapping: retrying never helps.
    static let permanentRemoteCodes: Set<String> = [
        // Salesforce (REST API error codes).
        "INVALID_FIELD", "INVALID_TYPE", "MALFORMED_QUERY", "INVALID_QUERY_FILTER_OPERATOR",
        "INVALID_FIELD_FOR_INSERT_UPDATE", "INVALID_SESSION_ID", "INSUFFICIENT_ACCESS",
        "API_DISABLED_FOR_ORG", "NOT_FOUND", "INVALID_OPERATION_WITH_EXPIRED_PASSWORD",
        // OAuth token endpoints: the credentials are wrong.
        "invalid_client", "invalid_grant", "unauthorized_client", "invalid_scope",
        // Dataverse: unknown property / entity set / object, bad argument.
        "0x80060888", "0x8006088a", "0x80040217", "0x80040203", "0x80048d19",
    ]

    /// Codes that say "later": the CRM is busy or briefly unable, whatever the status.
    static let transientRemoteCodes: Set<String> = [
        "REQUEST_LIMIT_EXCEEDED", "UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE", "QUERY_TIMEOUT",
        // Dataverse service protection (requests, execution time, concurrency).
        "0x80072322", "0x80072321", "0x80072326",
    ]
}
