import Foundation
import Hummingbird

/// `…/sobjects/<Object>[/<id> | /<ExtField>/<value> | /describe | /updated | /deleted]`.
extension SalesforceEmulator {
    func sobjects(_ api: SalesforceAPIRequest) async throws(SalesforceAPIError) -> Response {
        let path = api.path
        guard path.count > 1 else {
            try api.allow(.get)
            return globalDescribe(api)
        }
        guard let schema = SalesforceObjectSchema.byLowercasedName[path[1].lowercased()] else { throw .notFound }
        switch path.count {
        case 2:
            try api.allow(.get, .post)
            if api.method == .get { return objectInfo(api, schema: schema) }
            return try await create(api, schema: schema)
        case 3:
            switch path[2] {
            case "describe":
                try api.allow(.get)
                return describe(api, schema: schema)
            case "updated":
                try api.allow(.get)
                return try updatedRecords(api, schema: schema)
            case "deleted":
                try api.allow(.get)
                return try deletedRecords(api, schema: schema)
            default:
                try api.allow(.get, .patch, .delete)
                return try await record(api, schema: schema, id: path[2])
            }
        case 4:
            try api.allow(.get, .patch, .delete)
            return try await byExternalID(api, schema: schema, fieldName: path[2], value: path[3])
        default:
            throw .notFound
        }
    }

    private func create(_ api: SalesforceAPIRequest, schema: SalesforceObjectSchema) async throws(SalesforceAPIError) -> Response {
        let input = try await recordInput(api, schema: schema, purpose: .create)
        let result = state.withLock { $0.create(input, schema: schema, now: api.now) }
        switch result {
        case .success(let id): return writeResult(id: id, created: nil, status: .created)
        case .failure(let error): throw SalesforceAPIError(error)
        }
    }

    private func record(_ api: SalesforceAPIRequest, schema: SalesforceObjectSchema, id: String) async throws(SalesforceAPIError) -> Response {
        switch api.method {
        case .get:
            guard let normalized = SalesforceID.normalized(id),
                  let record = state.withLock({ $0.table(for: schema).record(id: normalized) }), !record.isDeleted
            else { throw .notFound }
            return recordResponse(api, schema: schema, record: record)
        case .patch:
            let input = try await recordInput(api, schema: schema, purpose: .update)
            let result = state.withLock { $0.update(id: id, input, schema: schema, now: api.now) }
            if case .failure(let error) = result { throw SalesforceAPIError(error) }
            return Response(status: .noContent)
        default:
            let result = state.withLock { $0.delete(id: id, schema: schema, now: api.now) }
            if case .failure(let error) = result { throw SalesforceAPIError(error) }
            return Response(status: .noContent)
        }
    }

    /// Upsert (`PATCH`), retrieve (`GET`) and delete by external id.
    private func byExternalID(_ api: SalesforceAPIRequest, schema: SalesforceObjectSchema, fieldName: String,
                              value text: String) async throws(SalesforceAPIError) -> Response {
        let fieldIndex = try externalIDField(schema, fieldName)
        let value = try externalIDValue(text, field: schema.fields[fieldIndex])
        if api.method == .patch {
            let input = try await recordInput(api, schema: schema, purpose: .update)
            let result = state.withLock { $0.upsert(input, schema: schema, externalField: fieldIndex, value: value, now: api.now) }
            switch result {
            case .success(let outcome):
                return writeResult(id: outcome.id, created: outcome.created, status: outcome.created ? .created : .ok)
            case .failure(let error):
                throw SalesforceAPIError(error)
            }
        }
        let id: String? = state.withLock { org in
            let table = org.table(for: schema)
            if fieldIndex == SalesforceObjectSchema.idIndex, case .string(let id) = value {
                return table.record(id: id).flatMap { $0.isDeleted ? nil : $0.id }
            }
            return table.position(uniqueField: fieldIndex, value: value).map { table.records[$0].id }
        }
        guard let id else { throw .notFound }
        return try await record(api, schema: schema, id: id)
    }

    /// The field named in an upsert URL: `Id` or an external id field.
    func externalIDField(_ schema: SalesforceObjectSchema, _ name: String) throws(SalesforceAPIError) -> Int {
        guard let index = schema.index(of: name) else {
            throw SalesforceAPIError(.notFound, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: \(name)")
        }
        guard index == SalesforceObjectSchema.idIndex || schema.fields[index].isExternalID else {
            throw SalesforceAPIError(.badRequest, "INVALID_FIELD",
                                     "Field name provided, \(schema.fields[index].name) is not an External ID or indexed field for \(schema.name)")
        }
        return index
    }

    func externalIDValue(_ text: String, field: SalesforceField) throws(SalesforceAPIError) -> SalesforceValue {
        if field.type == .id {
            guard let id = SalesforceID.normalized(text) else { throw .notFound }
            return .string(id)
        }
        return try SalesforceRecordInput.coerce(.string(text), to: field)
    }

    private func recordInput(_ api: SalesforceAPIRequest, schema: SalesforceObjectSchema,
                             purpose: SalesforceRecordInput.Purpose) async throws(SalesforceAPIError) -> SalesforceRecordInput {
        guard case .object(let members) = try await api.body(limit: configuration.maximumRequestBytes) else {
            throw .jsonParser("Cannot deserialize instance of \(schema.name) from a value that is not a JSON object")
        }
        return try SalesforceRecordInput(members, schema: schema, purpose: purpose)
    }

    /// `{"id":"…","success":true,"errors":[]}`, with `"created"` for upserts.
    private func writeResult(id: String, created: Bool?, status: HTTPResponse.Status) -> Response {
        var json = SalesforceJSONWriter(capacity: 96)
        json.raw("{\"id\":")
        json.string(id)
        json.raw(",\"success\":true,\"errors\":[]")
        if let created {
            json.raw(",\"created\":")
            json.boolean(created)
        }
        json.raw("}")
        return salesforceResponse(json, status: status)
    }

    /// A record with every field (or those named by `?fields=`).
    private func recordResponse(_ api: SalesforceAPIRequest, schema: SalesforceObjectSchema, record: SalesforceRecord) -> Response {
        var fields = Array(schema.fields.indices)
        if let names = api.parameters["fields"] {
            fields = names.split(separator: ",").compactMap { schema.index(of: $0.trimmingCharacters(in: .whitespaces)) }
        }
        let page = SalesforceQueryPage(schema: schema, fields: fields, version: api.version)
        var json = SalesforceJSONWriter(capacity: 1024)
        page.write(record, into: &json)
        return salesforceResponse(json)
    }
}
