/// Access tokens handed out by the token endpoint, with their issue time and the
/// user they run as.
struct SalesforceSessions: Sendable {
    private var issued: [String: (issuedAt: Int64, userID: String)] = [:]

    mutating func add(_ token: String, issuedAt: Int64, userID: String) { issued[token] = (issuedAt, userID) }

    /// The user of `token` when it is known and younger than `timeout` milliseconds.
    func user(_ token: String, now: Int64, timeout: Int64) -> String? {
        guard let session = issued[token], now - session.issuedAt < timeout else { return nil }
        return session.userID
    }

    /// Forces every session to expire (the next call answers `INVALID_SESSION_ID`).
    mutating func expireAll() -> Int {
        defer { issued.removeAll() }
        return issued.count
    }
}
