/// A complete HTTP response. Any status code is a response, not an error.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Headers of the final response (after any `100 Continue` or redirect).
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// From the request about to be sent to the answer's status line: what the server spent
    /// on the request plus the upload and one round trip, without the time the request
    /// waited for a connection or the answer waited to be read. Nil when not measured. The CRM budget limiter counts a call's
    /// execution time with it (docs/performance.md, egress).
    public var serverWait: Duration?

    public init(status: Int, headers: HTTPHeaders = .init(), body: [UInt8] = [], serverWait: Duration? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.serverWait = serverWait
    }

    /// The body decoded as UTF-8 (invalid sequences become U+FFFD).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }
}
