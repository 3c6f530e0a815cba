import Foundation

/// What a `$skiptoken` carries: the position after the last row served (keyset paging on
/// the `$orderby` keys then the id, so pages stay stable while rows change), or, for a
/// delta answer, the last change version served. Sent as Dataverse shapes it —
/// `<cookie pagenumber="2" pagingcookie="…" istracking="False" />` — and opaque to clients.
struct DynamicsPagingCookie: Codable, Sendable, Equatable {
    var page: Int
    /// `$orderby` signature the keys belong to; a token never crosses to another order.
    var order: String
    var keys: [String] = []
    var id: String?
    /// Change tracking: the version the final page's delta link will carry.
    var snapshot: Int64?
    /// Delta pages: changes after `since`, up to `snapshot`, continuing after `after`.
    var since: Int64?
    var after: Int64?

    /// The `$skiptoken` value, not yet URL-encoded.
    var token: String {
        let json = (try? JSONEncoder().encode(self)) ?? Data()
        let cookie = json.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        let tracking = snapshot == nil ? "False" : "True"
        return "<cookie pagenumber=\"\(page)\" pagingcookie=\"\(cookie)\" istracking=\"\(tracking)\" />"
    }

    init(page: Int, order: String) {
        self.page = page
        self.order = order
    }

    init(token: String) throws(DynamicsError) {
        let invalid = DynamicsError.badQuery("The $skiptoken value is not valid for this query.")
        guard let start = token.range(of: "pagingcookie=\"") else { throw invalid }
        let rest = token[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { throw invalid }
        var base64 = String(rest[..<end]).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64),
              let cookie = try? JSONDecoder().decode(DynamicsPagingCookie.self, from: data) else { throw invalid }
        self = cookie
    }

    static func encode(_ value: DynamicsValue) -> String {
        switch value {
        case .null: "n"
        case .string(let text): "s" + text
        case .integer(let number): "i\(number)"
        case .decimal(let number): "d\(number)"
        case .boolean(let flag): flag ? "b1" : "b0"
        case .guid(let id): "g" + id.dynamicsString
        case .dateTime(let ms): "t\(ms)"
        case .date(let days): "D\(days)"
        case .lookup(let lookup): "l" + lookup.id.dynamicsString + "|" + lookup.entity
        }
    }

    static func decode(_ text: String) -> DynamicsValue? {
        guard let tag = text.first else { return nil }
        let body = String(text.dropFirst())
        switch tag {
        case "n": return .null
        case "s": return .string(body)
        case "i": return Int(body).map { .integer($0) }
        case "d": return Double(body).map { .decimal($0) }
        case "b": return .boolean(body == "1")
        case "g": return UUID(uuidString: body).map { .guid($0) }
        case "t": return Int64(body).map { .dateTime($0) }
        case "D": return Int32(body).map { .date($0) }
        case "l":
            let parts = body.split(separator: "|", maxSplits: 1)
            guard parts.count == 2, let id = UUID(uuidString: String(parts[0])) else { return nil }
            return .lookup(DynamicsLookup(id: id, entity: String(parts[1])))
        default: return nil
        }
    }
}

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

enum DynamicsURLEncoding {
    /// Percent-encodes all but unreserved characters, with lowercase hex as Dataverse
    /// writes delta tokens (`919042%2108%2f22%2f2017%2008%3a10%3a44`).
    static func encode(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count * 2)
        for byte in text.utf8 {
            switch byte {
            case 48...57, 65...90, 97...122, UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%"
                out.unicodeScalars.append(Unicode.Scalar(DynamicsJSONWriter.hex[Int(byte >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(DynamicsJSONWriter.hex[Int(byte & 0xF)]))
            }
        }
        return out
    }

    /// Decodes `%XX` escapes; `+` stays a plus (OData clients encode spaces as `%20`).
    static func decode(_ text: Substring) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
               let high = hexValue(iterator[iterator.startIndex]), let low = hexValue(iterator[iterator.startIndex + 1]) {
                bytes.append(high << 4 | low)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: byte - 48
        case 65...70: byte - 55
        case 97...102: byte - 87
        default: nil
        }
    }
}
