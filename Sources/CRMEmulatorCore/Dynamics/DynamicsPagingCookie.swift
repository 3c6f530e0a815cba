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
