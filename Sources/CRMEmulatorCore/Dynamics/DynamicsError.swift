import Hummingbird

/// A Web API failure in Dataverse's shape: `{"error":{"code":"0x…","message":"…"}}`.
struct DynamicsError: Error, Sendable {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var headers: [(String, String)] = []

    init(_ status: HTTPResponse.Status, code: String, _ message: String, headers: [(String, String)] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    /// `0x80060888`: a query option or property the type does not have.
    static func badQuery(_ message: String) -> DynamicsError {
        DynamicsError(.badRequest, code: "0x80060888", message)
    }

    static func unknownProperty(_ name: String, on entity: DynamicsEntityDefinition) -> DynamicsError {
        badQuery("Could not find a property named '\(name)' on type '\(entity.qualifiedTypeName)'.")
    }

    /// `0x8006088a`: unknown entity set or segment (404).
    static func segmentNotFound(_ segment: String) -> DynamicsError {
        DynamicsError(.notFound, code: "0x8006088a", "Resource not found for the segment '\(segment)'.")
    }

    /// `0x80040217`: the addressed record does not exist (404).
    static func recordNotFound(_ entity: DynamicsEntityDefinition, _ key: String) -> DynamicsError {
        DynamicsError(.notFound, code: "0x80040217", "\(entity.logicalName) With Id = \(key) Does Not Exist")
    }

    /// `0x80048d19`: the payload cannot be read as the entity.
    static func payload(_ entity: DynamicsEntityDefinition, _ detail: String) -> DynamicsError {
        DynamicsError(
            .badRequest, code: "0x80048d19",
            "Error identified in Payload provided by the user for Entity :'\(entity.entitySetName)', For more information on this error please follow this help link https://go.microsoft.com/fwlink/?linkid=2195293  ---->  InnerException : Microsoft.OData.ODataException: \(detail)")
    }

    /// `0x80044331`: a validation error (length, rule).
    static func validation(_ message: String) -> DynamicsError {
        DynamicsError(.badRequest, code: "0x80044331", message)
    }

    /// The JSON body.
    var body: ByteBuffer {
        var writer = DynamicsJSONWriter(capacity: 96 + message.utf8.count)
        writer.raw("{\"error\":{\"code\":")
        writer.string(code)
        writer.raw(",\"message\":")
        writer.string(message)
        writer.raw("}}")
        return writer.buffer
    }
}
