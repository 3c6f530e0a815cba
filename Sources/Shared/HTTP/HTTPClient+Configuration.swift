extension HTTPClient {
    /// How the client connects. Every field has a documented default.
    public struct Configuration: Sendable {
        /// Time allowed for DNS, TCP connect and TLS handshake. Default 10 s.
        public var connectTimeout: Duration = .seconds(10)
        /// Transfers running at once; further requests wait in order (their wait
        /// counts against their own timeout). Default 64.
        public var maxConcurrentRequests: Int = 64
        /// Open connections per host; libcurl queues transfers beyond it. Default 16.
        public var maxConnectionsPerHost: Int = 16
        /// Verify the server certificate and host name. Default ON; turn off only for tests.
        public var verifyTLS: Bool = true
        /// PEM bundle of trusted CAs; nil uses the system store. Default nil.
        public var caBundlePath: String? = nil
        /// Largest response body accepted; larger ones fail with `.tooLarge`. Default 256 MiB.
        public var maxResponseBytes: Int = 256 * 1024 * 1024
        /// Follow 3xx redirects (at most `maxRedirects`). Default off.
        public var followRedirects: Bool = false
        /// Redirect limit when `followRedirects` is on. Default 5.
        public var maxRedirects: Int = 5
        /// Sent as User-Agent unless the request sets its own.
        public var userAgent: String = "crm-bridge/1.0"
        /// Idle connections kept open for reuse (libcurl's connection cache). Default 64.
        public var maxIdleConnections: Int = 64
        /// Easy handles kept for reuse between transfers. Default 16.
        public var easyHandlePoolSize: Int = 16

        public init(
            connectTimeout: Duration = .seconds(10),
            maxConcurrentRequests: Int = 64,
            maxConnectionsPerHost: Int = 16,
            verifyTLS: Bool = true,
            maxResponseBytes: Int = 256 * 1024 * 1024,
            userAgent: String = "crm-bridge/1.0"
        ) {
            self.connectTimeout = connectTimeout
            self.maxConcurrentRequests = maxConcurrentRequests
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.verifyTLS = verifyTLS
            self.maxResponseBytes = maxResponseBytes
            self.userAgent = userAgent
        }
    }
}

/// Durations as libcurl's whole milliseconds, rounded up so that a positive
/// duration never becomes 0 (which libcurl reads as "no timeout").
enum CurlMilliseconds {
    static func of(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 || seconds > 0 else { return 1 }
        let perMillisecond: Int64 = 1_000_000_000_000_000
        let fraction = (attoseconds + perMillisecond - 1) / perMillisecond
        let (millis, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow, millis < Int64(Int32.max) else { return Int(Int32.max) }
        return max(1, Int(millis + fraction))
    }
}
