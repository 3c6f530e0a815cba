import Hummingbird

/// One authenticated call under `/services/data/vNN.N/`, taken apart.
struct SalesforceAPIRequest: Sendable {
    let request: Request
    /// `v60.0`.
    let version: String
    /// Path components after the version, percent-decoded.
    let path: [String]
    let parameters: [String: String]
    let now: Int64

    var method: HTTPRequest.Method { request.method }

    /// `/services/data/v60.0`.
    var basePath: String { "/services/data/\(version)" }

    /// Refuses other methods with the platform's 405 answer.
    func allow(_ methods: HTTPRequest.Method...) throws(SalesforceAPIError) {
        guard !methods.contains(method) else { return }
        throw SalesforceAPIError(
            .methodNotAllowed, "METHOD_NOT_ALLOWED",
            "HTTP Method '\(method.rawValue)' not allowed. Allowed are \(methods.map(\.rawValue).joined(separator: ","))")
    }

    func body(limit: Int) async throws(SalesforceAPIError) -> SalesforceJSONValue {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw SalesforceAPIError(.contentTooLarge, "JSON_PARSER_ERROR", "The request body is larger than \(limit) bytes")
        }
        let bytes = buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
        guard !bytes.isEmpty else { throw .jsonParser("No content to map due to end-of-input") }
        do {
            return try SalesforceJSONParser.parse(bytes)
        } catch {
            throw .jsonParser(error.message)
        }
    }
}
