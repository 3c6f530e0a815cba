/// Access tokens handed out by the token endpoint, with their issue time.
struct SalesforceSessions: Sendable {
    private var issued: [String: Int64] = [:]

    mutating func add(_ token: String, issuedAt: Int64) { issued[token] = issuedAt }

    /// Whether `token` is known and younger than `timeout` milliseconds.
    func isValid(_ token: String, now: Int64, timeout: Int64) -> Bool {
        guard let issuedAt = issued[token] else { return false }
        return now - issuedAt < timeout
    }

    /// Forces every session to expire (the next call answers `INVALID_SESSION_ID`).
    mutating func expireAll() -> Int {
        defer { issued.removeAll() }
        return issued.count
    }
}
