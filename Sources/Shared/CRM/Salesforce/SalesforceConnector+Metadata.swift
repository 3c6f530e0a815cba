import Foundation
import HTTPBridge

/// `sobjects/<Object>/describe`: the object's fields; 404 `NOT_FOUND` when the org has
/// no such object.
extension SalesforceConnector: CRMMetadataSource {
    public func fields(of remoteObject: String) async throws -> CRMObjectFields? {
        let path = configuration.dataPath + "/sobjects/" + HTTPRequest.percentEncoded(remoteObject) + "/describe"
        let headers: HTTPHeaders = ["Accept": "application/json"]
        let described: (name: String, fields: Set<String>)
        do {
            described = try await exchange.perform(
                "describe \(remoteObject)", tokens: tokens,
                build: { token in HTTPRequest(url: url(path, token: token), headers: headers) },
                decode: { response throws(CRMJSON.Problem) in
                    let object = try CRMJSON.object(response.body)
                    let fields = try CRMJSON.objects(object, "fields").compactMap { $0["name"] as? String }
                    return (try CRMJSON.optionalString(object, "name") ?? remoteObject, Set(fields))
                })
        } catch let error as CRMError where error.status == 404 {
            return nil
        }
        var names = described.fields
        // The connector falls back to LastModifiedDate on objects without SystemModstamp.
        if !names.contains(where: { $0.caseInsensitiveCompare(configuration.modifiedField) == .orderedSame }),
           names.contains(where: { $0.caseInsensitiveCompare(configuration.fallbackModifiedField) == .orderedSame }) {
            names.insert(configuration.modifiedField)
        }
        return CRMObjectFields(object: described.name, names: names, caseInsensitive: true)
    }
}
