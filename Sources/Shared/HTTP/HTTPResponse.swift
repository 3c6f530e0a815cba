/// A complete HTTP response. Any status code is a response, not an error.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Headers of the final response (after any `100 Continue` or redirect).
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders = .init(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body decoded as UTF-8 (invalid sequences become U+FFFD).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }
}
