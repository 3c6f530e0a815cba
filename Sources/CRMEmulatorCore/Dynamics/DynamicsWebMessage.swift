import Foundation
import HTTPTypes
import Hummingbird

/// A Web API request as the engine sees it, whether it came over HTTP or inside a
/// `$batch`: the method, the path after `/api/data/v9.2/` (decoded), the query options,
/// headers by lowercase name and the body.
struct DynamicsWebRequest: Sendable {
    var method: HTTPRequest.Method
    var path: String
    var query: [DynamicsQueryOption]
    var headers: [String: String]
    var body: [UInt8]
    /// `http://host:port/api/data/v9.2/`, for contexts and links.
    var serviceRoot: String

    func header(_ name: String) -> String? { headers[name] }

    /// Splits a request target (`/api/data/v9.2/contacts?$top=1`, an absolute URL or a
    /// path relative to the service root) into path and query.
    static func split(target: String) -> (path: String, query: String?) {
        var text = Substring(target)
        if let scheme = text.range(of: "://") {
            let afterHost = text[scheme.upperBound...]
            text = afterHost.firstIndex(of: "/").map { afterHost[$0...] } ?? ""
        }
        let query: String?
        if let mark = text.firstIndex(of: "?") {
            query = String(text[text.index(after: mark)...])
            text = text[..<mark]
        } else {
            query = nil
        }
        if let range = text.range(of: "/api/data/v9.2") {
            text = text[range.upperBound...]
        }
        while text.hasPrefix("/") { text = text.dropFirst() }
        return (PercentEncoding.decode(text, plusIsSpace: false), query)
    }
}

/// An answer before it becomes an HTTP response or a `$batch` part.
struct DynamicsWebResponse: Sendable {
    var status: HTTPResponse.Status
    var headers: [(String, String)]
    var body: ByteBuffer
    var recordsServed = 0

    static let jsonContentType = "application/json; odata.metadata=minimal"

    init(status: HTTPResponse.Status, headers: [(String, String)] = [], body: ByteBuffer = ByteBuffer()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    init(error: DynamicsError) {
        self.init(
            status: error.status,
            headers: [("Content-Type", "application/json; charset=utf-8"), ("OData-Version", "4.0")] + error.headers,
            body: error.body)
    }

    static func json(_ body: ByteBuffer, status: HTTPResponse.Status = .ok, headers: [(String, String)] = []) -> DynamicsWebResponse {
        DynamicsWebResponse(
            status: status, headers: [("Content-Type", jsonContentType), ("OData-Version", "4.0")] + headers, body: body)
    }

    var response: Response {
        var fields = HTTPFields()
        for (name, value) in headers {
            if let fieldName = HTTPField.Name(name) { fields[fieldName] = value }
        }
        return Response(status: status, headers: fields, body: .init(byteBuffer: body))
    }
}
