/// A refused query, with the Salesforce error code and a message shaped like
/// the platform's (the query line, a caret, `ERROR at Row:…:Column:…`).
struct SOQLError: Error, Sendable, Equatable {
    let errorCode: String
    let message: String

    static func malformed(_ problem: String, at offset: Int, in query: String) -> Self {
        Self(errorCode: "MALFORMED_QUERY", message: located(problem, at: offset, in: query))
    }

    static func invalidField(_ problem: String, at offset: Int, in query: String) -> Self {
        Self(errorCode: "INVALID_FIELD", message: located(problem, at: offset, in: query))
    }

    static func invalidType(_ problem: String, at offset: Int, in query: String) -> Self {
        Self(errorCode: "INVALID_TYPE", message: located(problem, at: offset, in: query))
    }

    static func invalidOperator(_ problem: String, at offset: Int, in query: String) -> Self {
        Self(errorCode: "INVALID_QUERY_FILTER_OPERATOR", message: located(problem, at: offset, in: query))
    }

    /// `offset` is a UTF-8 offset into `query`.
    private static func located(_ problem: String, at offset: Int, in query: String) -> String {
        let bytes = Array(query.utf8)
        let offset = min(max(0, offset), bytes.count)
        var row = 1
        var lineStart = 0
        for index in 0..<offset where bytes[index] == 0x0A {
            row += 1
            lineStart = index + 1
        }
        let lineEnd = bytes[lineStart...].firstIndex(of: 0x0A) ?? bytes.count
        let line = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self)
        let column = offset - lineStart + 1
        let caret = String(repeating: " ", count: column - 1) + "^"
        return "\n\(line)\n\(caret)\nERROR at Row:\(row):Column:\(column)\n\(problem)"
    }
}
