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

/// A per-record error in a collection or write result: `statusCode`, not `errorCode`.
struct SalesforceRecordError: Error, Sendable, Equatable {
    let statusCode: String
    let message: String
    let fields: [String]

    init(_ statusCode: String, _ message: String, fields: [String] = []) {
        self.statusCode = statusCode
        self.message = message
        self.fields = fields
    }

    static let notFound = Self("NOT_FOUND", "The requested resource does not exist")
    static let entityIsDeleted = Self("ENTITY_IS_DELETED", "entity is deleted")
    static let rolledBack = Self(
        "ALL_OR_NONE_OPERATION_ROLLED_BACK",
        "Record rolled back because not all records were valid and the request was using AllOrNone header")

    func write(to json: inout SalesforceJSONWriter) {
        json.raw("{\"statusCode\":")
        json.string(statusCode)
        json.raw(",\"message\":")
        json.string(message)
        json.raw(",\"fields\":")
        json.stringArray(fields)
        json.raw("}")
    }
}

extension SalesforceJSONWriter {
    mutating func stringArray(_ values: [String]) {
        byte(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { byte(UInt8(ascii: ",")) }
            string(value)
        }
        byte(UInt8(ascii: "]"))
    }
}
