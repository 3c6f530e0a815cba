import Foundation
import Hummingbird

/// sObject Collections: `POST /composite/sobjects` (create), `PATCH` (update),
/// `PATCH /composite/sobjects/<Object>/<ExtField>` (upsert) and
/// `DELETE /composite/sobjects?ids=…`. Up to 200 records; one result per
/// record in request order; with `allOrNone` a single failure rolls back all.
extension SalesforceEmulator {
    private enum Operation {
        case create(SalesforceRecordInput, SalesforceObjectSchema)
        case update(SalesforceRecordInput, SalesforceObjectSchema)
        case upsert(SalesforceRecordInput, SalesforceObjectSchema, field: Int, value: SalesforceValue)
        case delete(String)
        /// A record refused before it reached the org (missing id or type).
        case refused(SalesforceRecordError)
    }

    private struct Outcome {
        var id: String?
        var created: Bool?
        var error: SalesforceRecordError?
    }

    func collections(_ api: SalesforceAPIRequest) async throws(SalesforceAPIError) -> Response {
        let path = api.path
        let operations: [Operation]
        let allOrNone: Bool
        switch (path.count, api.method) {
        case (2, .post), (2, .patch):
            (operations, allOrNone) = try await recordOperations(api, upsertTarget: nil)
        case (2, .delete):
            let ids = (api.parameters["ids"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !ids.isEmpty else { throw SalesforceAPIError(.badRequest, "MISSING_ARGUMENT", "ids parameter is required") }
            try checkCount(ids.count)
            operations = ids.map { .delete($0) }
            allOrNone = api.parameters["allOrNone"]?.lowercased() == "true"
        case (4, .patch):
            guard let schema = SalesforceObjectSchema.byLowercasedName[path[2].lowercased()] else { throw .notFound }
            let field = try externalIDField(schema, path[3])
            // A Collections upsert keys only on an external-id field; `Id` (which a single
            // upsert accepts) is refused here.
            guard field != SalesforceObjectSchema.idIndex else {
                throw SalesforceAPIError(.badRequest, "INVALID_FIELD",
                                         "Field name provided, Id is not an External ID or indexed field for \(schema.name)")
            }
            (operations, allOrNone) = try await recordOperations(api, upsertTarget: (schema, field))
        case (2, _):
            try api.allow(.post, .patch, .delete)
            throw .notFound
        case (4, _):
            try api.allow(.patch)
            throw .notFound
        default:
            throw .notFound
        }
        let outcomes = apply(operations, allOrNone: allOrNone, now: api.now)
        var json = SalesforceJSONWriter(capacity: 64 + outcomes.count * 96)
        json.raw("[")
        for (offset, outcome) in outcomes.enumerated() {
            if offset > 0 { json.raw(",") }
            write(outcome, into: &json)
        }
        json.raw("]")
        return salesforceResponse(json)
    }

    private func checkCount(_ count: Int) throws(SalesforceAPIError) {
        guard count <= configuration.maximumCollectionRecords else {
            throw SalesforceAPIError(.badRequest, "EXCEEDED_ID_LIMIT",
                                     "record limit reached. cannot submit more than \(configuration.maximumCollectionRecords) records into this call")
        }
    }

    /// `{"allOrNone":…,"records":[{"attributes":{"type":"Contact"},…}]}` as operations.
    private func recordOperations(_ api: SalesforceAPIRequest, upsertTarget: (SalesforceObjectSchema, Int)?)
        async throws(SalesforceAPIError) -> ([Operation], Bool) {
        let body = try await api.body(limit: configuration.maximumRequestBytes)
        guard case .array(let records)? = body["records"] else {
            throw .jsonParser("The request body must be an object with a records array")
        }
        try checkCount(records.count)
        let allOrNone = body["allOrNone"]?.boolValue ?? false
        var operations: [Operation] = []
        for record in records {
            guard case .object(let members) = record else {
                throw .jsonParser("Cannot deserialize instance of SObject from \(record.tokenName)")
            }
            let typeName = record["attributes"]?["type"]?.stringValue
            if let (schema, field) = upsertTarget {
                // Every record of a Collections upsert must name its type.
                guard let typeName else {
                    operations.append(.refused(SalesforceRecordError("INVALID_TYPE", "Must send a concrete entity type.")))
                    continue
                }
                if typeName.lowercased() != schema.name.lowercased() {
                    operations.append(.refused(SalesforceRecordError("INVALID_TYPE", "Record type \(typeName) does not match \(schema.name)")))
                    continue
                }
                let input = try SalesforceRecordInput(members, schema: schema, purpose: .update)
                guard let value = input.assignments.first(where: { $0.index == field })?.value, !value.isNull else {
                    operations.append(.refused(SalesforceRecordError("MISSING_ARGUMENT", "\(schema.fields[field].name) not specified")))
                    continue
                }
                operations.append(.upsert(input, schema, field: field, value: value))
                continue
            }
            guard let typeName, let schema = SalesforceObjectSchema.byLowercasedName[typeName.lowercased()] else {
                operations.append(.refused(SalesforceRecordError("INVALID_TYPE", "Must send a concrete entity type.")))
                continue
            }
            if api.method == .post {
                operations.append(.create(try SalesforceRecordInput(members, schema: schema, purpose: .create), schema))
            } else {
                let input = try SalesforceRecordInput(members, schema: schema, purpose: .update)
                guard input.id != nil else {
                    operations.append(.refused(SalesforceRecordError("MISSING_ARGUMENT", "Id not specified in an update call")))
                    continue
                }
                operations.append(.update(input, schema))
            }
        }
        return (operations, allOrNone)
    }

    /// Applies in order under one lock; with `allOrNone`, any failure restores
    /// the records as they were and reports the others as rolled back.
    private func apply(_ operations: [Operation], allOrNone: Bool, now: Int64) -> [Outcome] {
        state.withLock { org in
            let saved = allOrNone ? org.tables : nil
            var outcomes: [Outcome] = []
            outcomes.reserveCapacity(operations.count)
            for operation in operations {
                switch operation {
                case .create(let input, let schema):
                    outcomes.append(Self.outcome(org.create(input, schema: schema, now: now).map { ($0, nil) }, id: nil))
                case .update(let input, let schema):
                    outcomes.append(Self.outcome(org.update(id: input.id ?? "", input, schema: schema, now: now).map { ($0, nil) }, id: input.id))
                case let .upsert(input, schema, field, value):
                    let result = org.upsert(input, schema: schema, externalField: field, value: value, now: now)
                    outcomes.append(Self.outcome(result.map { ($0.id, $0.created) }, id: nil))
                case .delete(let id):
                    outcomes.append(Self.outcome(org.delete(id: id, schema: nil, now: now).map { ($0, nil) }, id: id))
                case .refused(let error):
                    outcomes.append(Outcome(id: nil, created: nil, error: error))
                }
            }
            if let saved, outcomes.contains(where: { $0.error != nil }) {
                org.tables = saved
                outcomes = outcomes.map { outcome in
                    Outcome(id: outcome.error == nil ? nil : outcome.id, created: nil, error: outcome.error ?? .rolledBack)
                }
            }
            return outcomes
        }
    }

    private static func outcome(_ result: Result<(String, Bool?), SalesforceRecordError>, id: String?) -> Outcome {
        switch result {
        case .success(let (id, created)): Outcome(id: id, created: created, error: nil)
        case .failure(let error): Outcome(id: id, created: nil, error: error)
        }
    }

    /// `{"id":…,"success":true,"errors":[],"created":…}` or
    /// `{"success":false,"errors":[{"statusCode":…,"message":…,"fields":[…]}]}`.
    private func write(_ outcome: Outcome, into json: inout SalesforceJSONWriter) {
        json.raw("{")
        if let id = outcome.id {
            json.raw("\"id\":")
            json.string(id)
            json.raw(",")
        }
        if let error = outcome.error {
            json.raw("\"success\":false,\"errors\":[")
            error.write(to: &json)
            json.raw("]}")
            return
        }
        json.raw("\"success\":true,\"errors\":[]")
        if let created = outcome.created {
            json.raw(",\"created\":")
            json.boolean(created)
        }
        json.raw("}")
    }
}
