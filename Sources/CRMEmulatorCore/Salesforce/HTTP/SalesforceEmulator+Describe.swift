import Hummingbird

/// `GET …/sobjects`, `…/sobjects/<Object>` and `…/sobjects/<Object>/describe`:
/// enough metadata for a connector to check that mapped fields exist.
extension SalesforceEmulator {
    func globalDescribe(_ api: SalesforceAPIRequest) -> Response {
        var json = SalesforceJSONWriter(capacity: 4096)
        json.raw("{\"encoding\":\"UTF-8\",\"maxBatchSize\":200,\"sobjects\":[")
        for (offset, schema) in SalesforceObjectSchema.catalog.enumerated() {
            if offset > 0 { json.raw(",") }
            writeObjectSummary(schema, api: api, into: &json)
        }
        json.raw("]}")
        return salesforceResponse(json)
    }

    func objectInfo(_ api: SalesforceAPIRequest, schema: SalesforceObjectSchema) -> Response {
        var json = SalesforceJSONWriter(capacity: 1024)
        json.raw("{\"objectDescribe\":")
        writeObjectSummary(schema, api: api, into: &json)
        json.raw(",\"recentItems\":[]}")
        return salesforceResponse(json)
    }

    func describe(_ api: SalesforceAPIRequest, schema: SalesforceObjectSchema) -> Response {
        var json = SalesforceJSONWriter(capacity: 8192)
        json.raw("{")
        writeObjectProperties(schema, api: api, into: &json)
        json.raw(",\"fields\":[")
        for (offset, field) in schema.fields.enumerated() {
            if offset > 0 { json.raw(",") }
            json.raw("{\"name\":")
            json.string(field.name)
            json.raw(",\"label\":")
            json.string(field.label)
            json.raw(",\"type\":")
            json.string(field.type.describeName)
            json.raw(",\"length\":")
            json.integer(field.type.kind == .text || field.type.kind == .id ? field.length : 0)
            json.raw(",\"nillable\":")
            json.boolean(field.isNillable)
            json.raw(",\"createable\":")
            json.boolean(field.isCreateable)
            json.raw(",\"updateable\":")
            json.boolean(field.isUpdateable)
            json.raw(",\"externalId\":")
            json.boolean(field.isExternalID)
            json.raw(",\"unique\":")
            json.boolean(field.isUnique)
            json.raw(",\"idLookup\":")
            json.boolean(field.type == .id || field.isExternalID)
            json.raw(",\"custom\":")
            json.boolean(field.name.hasSuffix("__c"))
            json.raw(",\"referenceTo\":")
            if case .reference(let targets) = field.type { json.stringArray(targets) } else { json.raw("[]") }
            json.raw("}")
        }
        json.raw("]}")
        return salesforceResponse(json)
    }

    private func writeObjectSummary(_ schema: SalesforceObjectSchema, api: SalesforceAPIRequest, into json: inout SalesforceJSONWriter) {
        json.raw("{")
        writeObjectProperties(schema, api: api, into: &json)
        json.raw("}")
    }

    private func writeObjectProperties(_ schema: SalesforceObjectSchema, api: SalesforceAPIRequest, into json: inout SalesforceJSONWriter) {
        let base = "\(api.basePath)/sobjects/\(schema.name)"
        json.raw("\"name\":")
        json.string(schema.name)
        json.raw(",\"label\":")
        json.string(schema.label)
        json.raw(",\"labelPlural\":")
        json.string(schema.labelPlural)
        json.raw(",\"keyPrefix\":")
        json.string(schema.keyPrefix)
        json.raw(",\"custom\":")
        json.boolean(schema.isCustom)
        json.raw(",\"createable\":true,\"updateable\":true,\"deletable\":true,\"queryable\":true,\"replicateable\":true,\"urls\":{\"sobject\":")
        json.string(base)
        json.raw(",\"describe\":")
        json.string(base + "/describe")
        json.raw(",\"rowTemplate\":")
        json.string(base + "/{ID}")
        json.raw("}")
    }
}
