/// One outgoing HTTP request, executed by `HTTPClient`.
public struct HTTPRequest: Sendable {
    /// "GET", "POST", "PATCH", "DELETE", "PUT", "HEAD", or any other token.
    public var method: String
    /// Absolute `http://` or `https://` URL, query string already percent-encoded
    /// (see `HTTPRequest.percentEncoded(_:)`).
    public var url: String
    public var headers: HTTPHeaders
    /// Raw request body; nil sends none (POST, PUT and PATCH then send an empty one).
    public var body: [UInt8]?
    /// Whole-request timeout: waiting for a free slot, connecting, sending and
    /// receiving all count against it. Default 60 seconds.
    public var timeout: Duration

    public init(
        method: String = "GET",
        url: String,
        headers: HTTPHeaders = .init(),
        body: [UInt8]? = nil,
        timeout: Duration = .seconds(60)
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// The URL without user information, query string or fragment: what may be logged.
    public var redactedURL: String { Self.redact(url) }

    static func redact(_ url: String) -> String {
        var visible = Substring(url)
        if let cut = visible.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            visible = visible[..<cut]
        }
        guard let scheme = visible.firstRange(of: "://") else { return String(visible) }
        let authorityEnd = visible[scheme.upperBound...].firstIndex(of: "/") ?? visible.endIndex
        guard let at = visible[scheme.upperBound..<authorityEnd].lastIndex(of: "@") else {
            return String(visible)
        }
        return String(visible[..<scheme.upperBound]) + visible[visible.index(after: at)...]
    }
}

extension HTTPRequest: CustomStringConvertible, CustomReflectable {
    /// Method and redacted URL only; never headers or body.
    public var description: String { "\(method) \(redactedURL)" }

    /// What `dump` shows: no header values (a bearer token), no body (a client secret),
    /// the URL redacted.
    public var customMirror: Mirror {
        Mirror(self, children: [
            "method": method, "url": redactedURL, "bodyBytes": body?.count ?? 0, "timeout": timeout,
        ], displayStyle: .struct)
    }
}
