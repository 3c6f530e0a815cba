/// A change-tracking `$deltatoken`: `<version>!<MM/dd/yyyy HH:mm:ss>` (UTC).
struct DynamicsDeltaToken: Sendable, Equatable {
    var version: Int64
    var issuedAt: Int64

    var token: String { "\(version)!\(DynamicsDateTime.formatTokenTimestamp(milliseconds: issuedAt))" }

    init(version: Int64, issuedAt: Int64) {
        self.version = version
        self.issuedAt = issuedAt
    }

    init(token: String) throws(DynamicsError) {
        let parts = token.split(separator: "!", maxSplits: 1)
        guard parts.count == 2, let version = Int64(parts[0]), version >= 0,
              let issuedAt = DynamicsDateTime.parseTokenTimestamp(parts[1]) else {
            throw .badQuery("The $deltatoken value '\(token)' is not valid.")
        }
        self.version = version
        self.issuedAt = issuedAt
    }
}
