/// A transport failure of `HTTPClient.execute`: the request got no HTTP response.
/// (Every HTTP status, 4xx and 5xx included, is an `HTTPResponse`, not an error.)
///
/// The description names the method and the URL without user information,
/// query string or fragment; it never holds header values or bodies.
public struct HTTPError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable, CaseIterable {
        /// The whole-request or connect timeout expired.
        case timeout
        /// Nothing listened on the port (or the connection was otherwise refused).
        case connectionRefused
        /// DNS gave no address for the host (or the proxy).
        case couldNotResolveHost
        /// TLS handshake or certificate verification failed.
        case tls
        /// The connection broke while sending the request.
        case sendFailed
        /// The connection broke while receiving, or the server closed it without a reply.
        case receiveFailed
        /// The response body is larger than `Configuration.maxResponseBytes`.
        case tooLarge
        /// The URL is malformed or its scheme is not http/https.
        case invalidURL
        /// The request itself is unusable (e.g. a CR or LF inside a header).
        case invalidRequest
        /// The client was shut down before the request completed.
        case clientShutdown
        /// Any other libcurl failure; see `curlCode`.
        case other
    }

    public var code: Code
    /// libcurl's CURLcode, 0 when the error did not come from libcurl.
    public var curlCode: Int
    public var method: String
    /// The request URL without user information, query string or fragment.
    public var redactedURL: String
    /// What went wrong, in words (libcurl's message, scrubbed of the query string).
    public var message: String

    public init(code: Code, curlCode: Int = 0, method: String, url: String, message: String) {
        self.code = code
        self.curlCode = curlCode
        self.method = method
        self.redactedURL = HTTPRequest.redact(url)
        self.message = Self.scrub(message, url: url, redacted: redactedURL)
    }

    /// Whether the same request may succeed when sent again later.
    public var isRetriable: Bool {
        switch code {
        case .timeout, .connectionRefused, .couldNotResolveHost, .sendFailed, .receiveFailed:
            return true
        case .tls, .tooLarge, .invalidURL, .invalidRequest, .clientShutdown:
            return false
        case .other:
            return Self.retriableOtherCurlCodes.contains(curlCode)
        }
    }

    public var description: String {
        var text = "HTTP \(method) \(redactedURL) failed: \(code.rawValue)"
        if curlCode != 0 { text += " (curl \(curlCode))" }
        if !message.isEmpty { text += ": \(message)" }
        return text
    }

    /// CURLE_HTTP2 (16), CURLE_PARTIAL_FILE (18), CURLE_HTTP2_STREAM (92),
    /// CURLE_HTTP3 (95), CURLE_QUIC_CONNECT_ERROR (96): transient by nature.
    private static let retriableOtherCurlCodes: Set<Int> = [16, 18, 92, 95, 96]

    /// Removes the URL's secret parts if libcurl's message quoted them.
    private static func scrub(_ message: String, url: String, redacted: String) -> String {
        var text = message
        if !url.isEmpty, url != redacted {
            text = text.replacing(url, with: redacted)
        }
        if let start = url.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            let secret = String(url[start...])
            if secret.count > 1 { text = text.replacing(secret, with: "?…") }
        }
        return text
    }
}
