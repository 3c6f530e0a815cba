/// Form bodies (`application/x-www-form-urlencoded`) and query-string encoding.
extension HTTPRequest {
    /// A request whose body is `fields` form-encoded, with the matching Content-Type.
    /// Used e.g. for OAuth token requests.
    public static func form(
        method: String = "POST",
        url: String,
        fields: [(String, String)],
        headers: HTTPHeaders = .init(),
        timeout: Duration = .seconds(60)
    ) -> HTTPRequest {
        var request = HTTPRequest(method: method, url: url, headers: headers, timeout: timeout)
        request.setFormBody(fields)
        return request
    }

    /// Replaces the body with `fields` form-encoded and sets the Content-Type.
    public mutating func setFormBody(_ fields: [(String, String)]) {
        body = Array(Self.formEncoded(fields).utf8)
        headers.replace("Content-Type", "application/x-www-form-urlencoded")
    }

    /// `name=value&name=value`, WHATWG form encoding: space becomes `+`,
    /// only ASCII letters, digits and `*-._` stay as they are.
    public static func formEncoded(_ fields: [(String, String)]) -> String {
        fields.map { encode($0.0, form: true) + "=" + encode($0.1, form: true) }
            .joined(separator: "&")
    }

    /// Percent-encodes one query component (a name or a value, e.g. an OData
    /// `$filter` expression or a SOQL `q=` statement): every byte but the RFC 3986
    /// unreserved characters (`A-Z a-z 0-9 - . _ ~`) becomes `%XX`; space is `%20`.
    public static func percentEncoded(_ component: String) -> String {
        encode(component, form: false)
    }

    /// `base` with `query` appended as `?name=value&…`, each part percent-encoded;
    /// `&` instead of `?` when `base` already has a query string.
    public static func url(_ base: String, query: [(String, String)]) -> String {
        guard !query.isEmpty else { return base }
        let encoded = query.map { percentEncoded($0.0) + "=" + percentEncoded($0.1) }
            .joined(separator: "&")
        return base + (base.contains("?") ? "&" : "?") + encoded
    }

    private static func encode(_ text: String, form: Bool) -> String {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "_")
                || (!form && byte == UInt8(ascii: "~")) || (form && byte == UInt8(ascii: "*"))
            {
                out.append(byte)
            } else if form && byte == UInt8(ascii: " ") {
                out.append(UInt8(ascii: "+"))
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hexDigit(byte >> 4))
                out.append(hexDigit(byte & 0x0F))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? 0x30 + nibble : 0x41 + nibble - 10
    }
}

extension String {
    /// This string as one percent-encoded query component; see `HTTPRequest.percentEncoded(_:)`.
    public var percentEncoded: String { HTTPRequest.percentEncoded(self) }
}
