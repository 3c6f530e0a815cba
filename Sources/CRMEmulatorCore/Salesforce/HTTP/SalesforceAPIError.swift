import Hummingbird

/// A top-level error answer: `[{"message":"…","errorCode":"…","fields":[…]}]`.
struct SalesforceAPIError: Error, Sendable {
    let status: HTTPResponse.Status
    let errorCode: String
    let message: String
    /// Present for record-level problems (`REQUIRED_FIELD_MISSING`, …).
    let fields: [String]?

    init(_ status: HTTPResponse.Status, _ errorCode: String, _ message: String, fields: [String]? = nil) {
        self.status = status
        self.errorCode = errorCode
        self.message = message
        self.fields = fields
    }

    static let notFound = Self(.notFound, "NOT_FOUND", "The requested resource does not exist")
    static let invalidSession = Self(.unauthorized, "INVALID_SESSION_ID", "Session expired or invalid")
    static let requestLimitExceeded = Self(.forbidden, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")

    static func malformedQuery(_ message: String) -> Self { Self(.badRequest, "MALFORMED_QUERY", message) }

    static func jsonParser(_ message: String) -> Self { Self(.badRequest, "JSON_PARSER_ERROR", message) }

    /// A record-level error answered for a single-record call.
    init(_ error: SalesforceRecordError) {
        let status: HTTPResponse.Status = ["NOT_FOUND", "ENTITY_IS_DELETED"].contains(error.statusCode) ? .notFound : .badRequest
        self.init(status, error.statusCode, error.message, fields: error.fields)
    }

    func write(to json: inout SalesforceJSONWriter) {
        json.raw("[{\"message\":")
        json.string(message)
        json.raw(",\"errorCode\":")
        json.string(errorCode)
        if let fields {
            json.raw(",\"fields\":")
            json.stringArray(fields)
        }
        json.raw("}]")
    }
}
