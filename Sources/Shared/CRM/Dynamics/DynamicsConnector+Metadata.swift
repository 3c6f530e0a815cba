import HTTPBridge

/// The Web API's metadata: the entity set's table (from `EntityDefinitions`' names),
/// then its columns (`EntityDefinitions(LogicalName='…')/Attributes`).
extension DynamicsConnector: CRMMetadataSource {
    public func fields(of remoteObject: String) async throws -> CRMObjectFields? {
        // Every table's two names (not a $filter: EntityDefinitions filters only some
        // properties), matched here.
        let definitions = HTTPRequest.url(configuration.webAPIURL + "EntityDefinitions", query: [
            ("$select", "LogicalName,EntitySetName"),
        ])
        let headers = metadataHeaders
        let tables = try await exchange.perform(
            "read metadata of \(remoteObject)", tokens: tokens,
            build: { _ in HTTPRequest(url: definitions, headers: headers) },
            decode: { response throws(CRMJSON.Problem) in try CRMJSON.objects(CRMJSON.object(response.body), "value") })
        guard let table = tables.first(where: { ($0["EntitySetName"] as? String) == remoteObject }),
              let logicalName = table["LogicalName"] as? String else { return nil }

        let attributesURL = HTTPRequest.url(
            configuration.webAPIURL + "EntityDefinitions(LogicalName=" + ODataLiteral.string(logicalName) + ")/Attributes",
            query: [("$select", "LogicalName,AttributeType")])
        let attributes = try await exchange.perform(
            "read metadata of \(remoteObject)", tokens: tokens,
            build: { _ in HTTPRequest(url: attributesURL, headers: headers) },
            decode: { response throws(CRMJSON.Problem) in try CRMJSON.objects(CRMJSON.object(response.body), "value") })
        var names: Set<String> = []
        var lookups: Set<String> = []
        for attribute in attributes {
            guard let name = attribute["LogicalName"] as? String else { continue }
            names.insert(name)
            if let type = attribute["AttributeType"] as? String, ["Lookup", "Customer", "Owner"].contains(type) {
                lookups.insert(name)
            }
        }
        return CRMObjectFields(object: logicalName, names: names, caseInsensitive: false, lookups: lookups)
    }

    private var metadataHeaders: HTTPHeaders {
        ["Accept": "application/json", "OData-MaxVersion": "4.0", "OData-Version": "4.0"]
    }
}
