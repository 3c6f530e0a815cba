import Foundation

/// The Web API `$batch` wire format (multipart/mixed, CRLF line ends): requests out,
/// one `application/http` response per request back, in request order.
enum DynamicsBatch {
    struct Operation: Sendable {
        var method: String
        /// Absolute URL of the inner request.
        var url: String
        var body: [UInt8]
        /// Inner request headers beyond Content-Type (`If-Match`, `If-None-Match`).
        var headers: [String: String] = [:]
    }

    struct PartResponse: Sendable {
        var status: Int
        /// Inner headers, names lowercased.
        var headers: [String: String]
        var body: [UInt8]
    }

    /// The request body for `operations` as top-level parts (no changeset: each
    /// operation stands alone, so continue-on-error isolates a bad one).
    static func body(_ operations: [Operation], boundary: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(operations.reduce(64) { $0 + $1.body.count + $1.url.utf8.count + 160 })
        for (index, operation) in operations.enumerated() {
            out += Array("--\(boundary)\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nContent-ID: \(index + 1)\r\n\r\n".utf8)
            out += Array("\(operation.method) \(operation.url) HTTP/1.1\r\nContent-Type: application/json\r\n".utf8)
            for (name, value) in operation.headers.sorted(by: { $0.key < $1.key }) {
                out += Array("\(name): \(value)\r\n".utf8)
            }
            out += Array("\r\n".utf8)
            out += operation.body
            out += Array("\r\n".utf8)
        }
        out += Array("--\(boundary)--\r\n".utf8)
        return out
    }

    /// The inner responses of a `$batch` answer, in order.
    static func parse(_ body: [UInt8], contentType: String?) throws(CRMJSON.Problem) -> [PartResponse] {
        guard let contentType, let boundary = boundary(contentType) else {
            throw CRMJSON.Problem(description: "the $batch answer is not multipart/mixed with a boundary")
        }
        let text = String(decoding: body, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        var segments = text.components(separatedBy: "--" + boundary)
        guard segments.count >= 2 else {
            throw CRMJSON.Problem(description: "the $batch answer has no part", isTransient: true)
        }
        segments.removeFirst()  // the preamble
        var parts: [PartResponse] = []
        var closed = false
        for segment in segments {
            if segment.hasPrefix("--") { closed = true; break }
            parts.append(try part(segment))
        }
        guard closed else { throw CRMJSON.Problem(description: "the $batch answer is cut (no closing boundary)", isTransient: true) }
        return parts
    }

    /// One part: its own headers, a blank line, then an HTTP response.
    private static func part(_ segment: String) throws(CRMJSON.Problem) -> PartResponse {
        var lines = segment.split(separator: "\n", omittingEmptySubsequences: false)[...]
        if lines.first?.isEmpty == true { lines = lines.dropFirst() }
        while let line = lines.first, !line.isEmpty { lines = lines.dropFirst() }  // part headers
        lines = lines.drop { $0.isEmpty }
        guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/"),
              let status = statusLine.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else {
            throw CRMJSON.Problem(description: "a $batch answer part has no HTTP status line")
        }
        lines = lines.dropFirst()
        var headers: [String: String] = [:]
        while let line = lines.first, !line.isEmpty {
            if let colon = line.firstIndex(of: ":") {
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            lines = lines.dropFirst()
        }
        let rest = lines.dropFirst().joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return PartResponse(status: status, headers: headers, body: Array(rest.utf8))
    }

    /// The `boundary=` parameter of a multipart content type.
    static func boundary(_ contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/mixed") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }
}
