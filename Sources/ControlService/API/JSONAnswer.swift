import Foundation
import Hummingbird

/// JSON bodies of the API: ISO 8601 dates, sorted keys (stable for scripts and diffs).
enum JSONAnswer {
    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(value)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Reads a JSON request body of at most 1 MiB; a clear 400 when it is not `T`.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, what: String) async throws -> T {
        var request = request
        let body = try await request.collectBody(upTo: 1 << 20)
        guard body.readableBytes > 0 else { throw APIError.badRequest("the request body is empty; expected \(what)") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: body))
        } catch let error as DecodingError {
            throw APIError.badRequest("the request body is not \(what): \(describe(error))")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return keys.isEmpty ? "" : " at \(keys)"
        }
        switch error {
        case .keyNotFound(let key, _): return "\"\(key.stringValue)\" is missing"
        case .typeMismatch(let type, let context): return "expected \(type)\(path(context))"
        case .valueNotFound(let type, let context): return "expected \(type)\(path(context)), found null"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "invalid value\(path(context))"
        @unknown default: return "not valid JSON"
        }
    }
}
