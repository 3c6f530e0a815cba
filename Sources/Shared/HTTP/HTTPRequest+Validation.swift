/// Checks made before a request reaches libcurl, so that bad input gives a clear
/// error instead of a surprising transfer (or a header injection).
extension HTTPRequest {
    /// Nil when the request can be sent; otherwise the error to throw.
    func validationError() -> HTTPError? {
        let scheme = url.prefix { $0 != ":" }.lowercased()
        guard !url.isEmpty, url.contains("://") else {
            return HTTPError(.invalidURL, request: self, message: "not an absolute URL")
        }
        guard scheme == "http" || scheme == "https" else {
            return HTTPError(.invalidURL, request: self, message: "only http and https URLs are supported")
        }
        guard !url.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
            return HTTPError(.invalidURL, request: self, message: "URL contains a space or control character")
        }
        guard !method.isEmpty, method.utf8.allSatisfy(Self.isTokenByte) else {
            return HTTPError(.invalidRequest, request: self, message: "method is not an HTTP token")
        }
        for (position, field) in headers.enumerated() {
            guard !field.name.isEmpty, field.name.utf8.allSatisfy(Self.isTokenByte),
                !field.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 })
            else {
                return HTTPError(
                    .invalidRequest, request: self,
                    message: "header #\(position + 1) has an invalid name or value")
            }
        }
        return nil
    }

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "a")...UInt8(ascii: "z"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
