/// The error an answer carries, in any of the shapes the two CRMs and their token
/// endpoints use:
/// - Dynamics Web API `{"error":{"code":"0x80040217","message":"…"}}`;
/// - OAuth `{"error":"invalid_client","error_description":"…"}`;
/// - Salesforce `[{"message":"…","errorCode":"INVALID_FIELD","fields":[…]}]`;
/// - a Dynamics `$batch` stopped by a failing operation: the outer 4xx carries a
///   `multipart/mixed` body whose part holds that operation's Web API error (Microsoft,
///   "Execute batch operations using the Web API", Handling errors).
/// A body in none of them gives nil; it is never quoted (it may echo a payload).
struct CRMErrorBody: Sendable, Equatable {
    var code: String?
    var message: String

    static func parse(_ body: [UInt8]) -> CRMErrorBody? {
        if body.starts(with: Array("--".utf8)) { return batchPart(body) }
        return json(body)
    }

    /// The first error in the parts of a multipart answer: a line holding a JSON error.
    private static func batchPart(_ body: [UInt8]) -> CRMErrorBody? {
        for line in body.split(separator: 0x0A) where line.first == UInt8(ascii: "{") {
            var bytes = Array(line)
            if bytes.last == 0x0D { bytes.removeLast() }
            if let error = json(bytes) { return error }
        }
        return nil
    }

    private static func json(_ body: [UInt8]) -> CRMErrorBody? {
        switch CRMJSON.anyValue(body) {
        case let object as [String: Any]:
            if let inner = object["error"] as? [String: Any] {
                return CRMErrorBody(code: nonEmpty(inner["code"]), message: nonEmpty(inner["message"]) ?? "")
            }
            if let code = object["error"] as? String {
                return CRMErrorBody(code: code, message: nonEmpty(object["error_description"]) ?? "")
            }
            return nil
        case let array as [Any]:
            guard let first = array.first as? [String: Any] else { return nil }
            let code = nonEmpty(first["errorCode"]) ?? nonEmpty(first["statusCode"])
            let message = nonEmpty(first["message"]) ?? ""
            guard code != nil || !message.isEmpty else { return nil }
            return CRMErrorBody(code: code, message: message)
        default:
            return nil
        }
    }

    private static func nonEmpty(_ value: Any?) -> String? {
        guard let text = value as? String, !text.isEmpty else { return nil }
        return text
    }
}
