/// The error an answer carries, in any of the shapes the two CRMs and their token
/// endpoints use:
/// - Dynamics Web API `{"error":{"code":"0x80040217","message":"…"}}`;
/// - OAuth `{"error":"invalid_client","error_description":"…"}`;
/// - Salesforce `[{"message":"…","errorCode":"INVALID_FIELD","fields":[…]}]`.
/// A body in none of them gives nil; it is never quoted (it may echo a payload).
struct CRMErrorBody: Sendable, Equatable {
    var code: String?
    var message: String

    static func parse(_ body: [UInt8]) -> CRMErrorBody? {
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
