import CoreValues

/// How a `PostgresConnection` connects and comes back after the server went away.
public struct PostgresConfiguration: Sendable {
    /// How a broken connection is re-established on the next call.
    public struct ReconnectPolicy: Sendable {
        /// Connection attempts per call before the call fails with a retriable error.
        /// Default 8.
        public var maxAttempts: Int
        /// Pause after the first failed attempt; doubled after each further one.
        /// Default 100 ms.
        public var initialBackoff: Duration
        /// Upper bound of the pause between attempts. Default 2 s.
        public var maxBackoff: Duration

        public init(
            maxAttempts: Int = 8,
            initialBackoff: Duration = .milliseconds(100),
            maxBackoff: Duration = .seconds(2)
        ) {
            self.maxAttempts = max(1, maxAttempts)
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
        }

        /// The pause after failed attempt number `attempt` (1-based).
        func backoff(afterAttempt attempt: Int) -> Duration {
            var pause = initialBackoff
            for _ in 1..<max(1, attempt) {
                pause = pause * 2
                if pause >= maxBackoff { return maxBackoff }
            }
            return min(pause, maxBackoff)
        }
    }

    /// A libpq connection URL or key/value string
    /// (`postgresql://user@host:port/db?sslmode=disable`). It may hold a password: it stays
    /// a `Secret` until `PQconnectdbParams`, and is never logged nor put into an error.
    public var url: Secret
    /// Time allowed for one connection attempt. Default 10 s (libpq counts whole seconds,
    /// at least 2).
    public var connectTimeout: Duration
    /// `application_name` shown in `pg_stat_activity`. Default `crmbridge`.
    public var applicationName: String
    /// Session time zone, so `timestamptz` values read back in one offset. Default `UTC`.
    public var timeZone: String
    /// Reconnection after a server restart or a dropped connection.
    public var reconnect: ReconnectPolicy
    /// Whether a session that was lost is re-established on the next call. Default `true`.
    /// `false` for a session whose state must not change unseen, such as one holding a
    /// session-level advisory lock: once it is lost every call throws `.connectionLost`,
    /// and `notifications` finishes as soon as a listening session breaks.
    public var reconnectsAfterLoss: Bool

    public init(
        url: Secret,
        connectTimeout: Duration = .seconds(10),
        applicationName: String = "crmbridge",
        timeZone: String = "UTC",
        reconnect: ReconnectPolicy = ReconnectPolicy(),
        reconnectsAfterLoss: Bool = true
    ) {
        self.url = url
        self.connectTimeout = connectTimeout
        self.applicationName = applicationName
        self.timeZone = timeZone
        self.reconnect = reconnect
        self.reconnectsAfterLoss = reconnectsAfterLoss
    }

    /// The libpq keyword/value pairs, rendered in exactly one place. The URL is not among
    /// them: `PGConnectionHandle` passes it last, as `dbname` (expanded by libpq), so
    /// settings in the URL win over these defaults.
    func connectionParameters() throws -> [(String, String)] {
        let allowedZone = timeZone.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "/_+-".contains($0)) }
        guard allowedZone, !timeZone.isEmpty else {
            throw PostgresError.invalidArgument(
                "time zone must be a plain zone name such as UTC or Europe/Paris", operation: "connect")
        }
        guard !url.reveal().utf8.contains(0), !applicationName.utf8.contains(0) else {
            throw PostgresError.invalidArgument("connection settings contain a NUL byte", operation: "connect")
        }
        let seconds = max(2, Int(connectTimeout.components.seconds))
        return [
            ("connect_timeout", String(seconds)),
            ("application_name", applicationName),
            ("client_encoding", "UTF8"),
            ("options", "-c TimeZone=\(timeZone) -c DateStyle=ISO,YMD"),
        ]
    }
}
