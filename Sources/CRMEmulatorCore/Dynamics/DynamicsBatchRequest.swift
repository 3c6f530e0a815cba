import Foundation
import Hummingbird

/// A parsed `$batch` body: top-level requests and changesets, in order. Lines end in CRLF,
/// as Microsoft documents ("Execute batch operations using the Web API") and the
/// multipart format requires: a body with a bare LF is refused, as a real organisation
/// does not find its boundaries in one.
struct DynamicsBatchRequest: Sendable {
    struct Part: Sendable {
        var contentId: String?
        var request: DynamicsWebRequest
    }

    enum Item: Sendable {
        case single(Part)
        case changeset([Part])
    }

    var items: [Item] = []

    var operationCount: Int {
        items.reduce(0) { count, item in
            switch item {
            case .single: count + 1
            case .changeset(let parts): count + parts.count
            }
        }
    }

    init(body: [UInt8], contentType: String?, serviceRoot: String) throws(DynamicsError) {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/mixed"), let boundary = Self.boundary(contentType) else {
            throw .badQuery("The batch request must have a Content-Type of multipart/mixed with a boundary.")
        }
        if let offset = Self.bareLineFeed(in: body) {
            throw .badQuery("The batch request body is not valid multipart/mixed: lines must end with CRLF (a bare LF at byte \(offset)).")
        }
        let text = String(decoding: body, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for partLines in try Self.parts(lines[...], boundary: boundary) {
            let (headers, rest) = Self.headers(partLines)
            let partType = headers["content-type"] ?? ""
            if partType.lowercased().hasPrefix("multipart/mixed") {
                guard let inner = Self.boundary(partType) else { throw .badQuery("A changeset part has no boundary.") }
                var parts: [Part] = []
                for changeLines in try Self.parts(rest, boundary: inner) {
                    parts.append(try Self.part(changeLines, serviceRoot: serviceRoot))
                }
                items.append(.changeset(parts))
            } else {
                items.append(.single(try Self.part(partLines, serviceRoot: serviceRoot)))
            }
        }
    }

    /// The offset of the first LF not preceded by CR, if any.
    static func bareLineFeed(in body: [UInt8]) -> Int? {
        for index in body.indices where body[index] == 0x0A && (index == 0 || body[index - 1] != 0x0D) {
            return index
        }
        return nil
    }

    /// The `boundary=` parameter of a multipart content type.
    static func boundary(_ contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    /// The lines of each part between `--boundary` delimiters, up to `--boundary--`.
    private static func parts(_ lines: ArraySlice<Substring>, boundary: String) throws(DynamicsError) -> [ArraySlice<Substring>] {
        let delimiter = "--" + boundary
        let close = delimiter + "--"
        var parts: [ArraySlice<Substring>] = []
        var start: Int?
        var closed = false
        for index in lines.indices {
            let line = lines[index].trimmingCharacters(in: .whitespaces)
            if line == delimiter || line == close {
                if let start { parts.append(lines[start..<index]) }
                start = index + 1
                if line == close {
                    closed = true
                    break
                }
            }
        }
        guard closed else { throw .badQuery("The batch body does not end with the closing boundary '\(close)'.") }
        return parts
    }

    /// Header lines up to the first blank line, by lowercase name, and the lines after.
    private static func headers(_ lines: ArraySlice<Substring>) -> ([String: String], ArraySlice<Substring>) {
        var headers: [String: String] = [:]
        var index = lines.startIndex
        while index < lines.endIndex, !lines[index].trimmingCharacters(in: .whitespaces).isEmpty {
            let line = lines[index]
            if let colon = line.firstIndex(of: ":") {
                headers[line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            index += 1
        }
        if index < lines.endIndex { index += 1 }
        return (headers, lines[index...])
    }

    /// An `application/http` part: its headers, then the inner request line, headers, body.
    private static func part(_ lines: ArraySlice<Substring>, serviceRoot: String) throws(DynamicsError) -> Part {
        let (outer, rest) = headers(lines)
        var remaining = rest
        while let first = remaining.first, first.trimmingCharacters(in: .whitespaces).isEmpty { remaining = remaining.dropFirst() }
        guard let requestLine = remaining.first else { throw .badQuery("A batch part has no request line.") }
        let words = requestLine.split(separator: " ")
        guard words.count >= 2 else { throw .badQuery("The batch request line '\(requestLine)' is not valid.") }
        let method = HTTPRequest.Method(rawValue: String(words[0]).uppercased()) ?? .get
        let (inner, bodyLines) = headers(remaining.dropFirst())
        var body = Array(bodyLines)
        while let last = body.last, last.trimmingCharacters(in: .whitespaces).isEmpty { body.removeLast() }
        let (path, query) = DynamicsWebRequest.split(target: String(words[1]))
        let request = DynamicsWebRequest(
            method: method, path: path, query: DynamicsQueryOption.parse(query), headers: inner,
            body: Array(body.joined(separator: "\r\n").utf8), serviceRoot: serviceRoot)
        return Part(contentId: outer["content-id"] ?? inner["content-id"], request: request)
    }
}
