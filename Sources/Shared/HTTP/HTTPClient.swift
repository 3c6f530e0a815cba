import Logging

/// HTTP client over libcurl: one multi handle on one dedicated thread drives
/// every request, with keep-alive connection reuse and many requests in flight.
///
/// ```swift
/// let client = HTTPClient(logger: logger)
/// let response = try await client.execute(HTTPRequest(url: "https://example.org/api"))
/// ```
///
/// `execute` throws `HTTPError` for transport failures only; every HTTP status
/// (including 4xx/5xx) is returned as an `HTTPResponse`. Cancelling the calling
/// task aborts the transfer and throws `CancellationError`.
public final class HTTPClient: Sendable {
    public let configuration: Configuration
    private let loop: CurlTransferLoop

    public init(
        configuration: Configuration = .init(),
        logger: Logger = Logger(label: "crm-bridge.http")
    ) {
        self.configuration = configuration
        self.loop = CurlTransferLoop(configuration: configuration, logger: logger)
    }

    /// Sends `request` and waits for the whole response.
    public func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await loop.execute(request)
    }

    /// Fails in-flight requests with `.clientShutdown`, closes connections and
    /// stops the loop thread. Idempotent; `deinit` does it too.
    public func shutdown() {
        loop.shutdown()
    }

    deinit {
        loop.shutdown()
    }
}
