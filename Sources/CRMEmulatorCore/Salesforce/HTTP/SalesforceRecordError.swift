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
