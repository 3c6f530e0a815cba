import Foundation
import Hummingbird

/// Executes Web API requests against the organisation. Reads return their page so the
/// HTTP route can encode it outside the lock; everything else answers directly.
enum DynamicsEngine {
    enum Outcome {
        case response(DynamicsWebResponse)
        case page(DynamicsPage, DynamicsPageEncoder, DynamicsQuery, DynamicsPreferences)

        /// The finished answer (encodes a page).
        var finished: DynamicsWebResponse {
            switch self {
            case .response(let response):
                return response
            case let .page(page, encoder, query, preferences):
                var headers: [(String, String)] = []
                let pageSizeApplied = preferences.maxPageSize != nil
                if let applied = preferences.appliedForQuery(pageSizeApplied: pageSizeApplied) {
                    headers.append(("Preference-Applied", applied))
                }
                var response = DynamicsWebResponse.json(encoder.encode(page, linkOptions: query.linkOptions), headers: headers)
                response.recordsServed = page.items.count
                return response
            }
        }
    }

    static func execute(_ request: DynamicsWebRequest, in organization: inout DynamicsOrganization, now: Int64) -> Outcome {
        do {
            return try dispatch(request, in: &organization, now: now)
        } catch {
            return .response(DynamicsWebResponse(error: error))
        }
    }

    private static func dispatch(_ request: DynamicsWebRequest, in organization: inout DynamicsOrganization, now: Int64) throws(DynamicsError) -> Outcome {
        let path = try DynamicsResourcePath.parse(request.path)
        let preferences = try DynamicsPreferences(header: request.header("prefer"))
        switch (path, request.method) {
        case (.collection(let set), .get):
            let entity = try organization.definition(set: set)
            let query = try DynamicsQuery(options: request.query, entity: entity)
            let page = try organization.read(set: set, query: query, preferences: preferences, now: now)
            let encoder = DynamicsPageEncoder(entity: entity, select: query.select, serviceRoot: request.serviceRoot, preferences: preferences)
            return .page(page, encoder, query, preferences)
        case (.record(let set, let key), .get):
            return .response(try readRecord(set: set, key: key, request: request, preferences: preferences, in: organization))
        case (.collection(let set), .post):
            return .response(try create(set: set, request: request, preferences: preferences, in: &organization, now: now))
        case (.record(let set, let key), .patch):
            return .response(try upsert(set: set, key: key, request: request, preferences: preferences, in: &organization, now: now))
        case (.record(let set, let key), .delete):
            let entity = try organization.definition(set: set)
            guard let id = try organization.resolve(key, in: set) else { throw notFound(key, entity) }
            try organization.delete(in: set, id: id, now: now)
            return .response(DynamicsWebResponse(status: .noContent, headers: [("OData-Version", "4.0")]))
        case (.serviceDocument, .get), (.metadata, .get), (.whoAmI, .get), (.entityDefinitions, .get):
            return .response(try DynamicsMetadata.answer(path, request: request, organization: organization))
        case (.collection, _), (.record, _), (.batch, _), (.serviceDocument, _), (.metadata, _), (.whoAmI, _), (.entityDefinitions, _):
            throw DynamicsError(.methodNotAllowed, code: "0x80060888", "The HTTP method '\(request.method.rawValue)' is not allowed for this resource.")
        }
    }

    private static func notFound(_ key: DynamicsResourcePath.Key, _ entity: DynamicsEntityDefinition) -> DynamicsError {
        switch key {
        case .id(let id): .recordNotFound(entity, id.dynamicsString)
        case .alternate(let pairs):
            .recordNotFound(entity, pairs.map { "\($0.0)=\(describe($0.1))" }.joined(separator: ","))
        }
    }

    private static func describe(_ literal: DynamicsKeyLiteral) -> String {
        switch literal {
        case .string(let text): text
        case .number(let text): text
        case .guid(let id): id.dynamicsString
        }
    }

    private static func readRecord(
        set: String, key: DynamicsResourcePath.Key, request: DynamicsWebRequest, preferences: DynamicsPreferences,
        in organization: DynamicsOrganization
    ) throws(DynamicsError) -> DynamicsWebResponse {
        let entity = try organization.definition(set: set)
        let query = try DynamicsQuery(options: request.query, entity: entity)
        for option in query.present where option != "$select" {
            throw .badQuery("The query option \(option) is not allowed when reading a single record.")
        }
        guard let id = try organization.resolve(key, in: set), let record = organization.tables[set]?.record(id: id) else {
            throw notFound(key, entity)
        }
        return representation(record, entity: entity, select: query.select, request: request, preferences: preferences, in: organization, status: .ok)
    }

    private static func representation(
        _ record: DynamicsRecord, entity: DynamicsEntityDefinition, select: [Int]?, request: DynamicsWebRequest,
        preferences: DynamicsPreferences, in organization: DynamicsOrganization, status: HTTPResponse.Status
    ) -> DynamicsWebResponse {
        var names: [UUID: String] = [:]
        if preferences.formattedValues {
            for case .lookup(let lookup) in record.values {
                if let name = organization.primaryName(of: lookup) { names[lookup.id] = name }
            }
        }
        let encoder = DynamicsPageEncoder(entity: entity, select: select, serviceRoot: request.serviceRoot, preferences: preferences)
        var headers = [("ETag", "W/\"\(record.version)\"")]
        if status == .created { headers.append(("OData-EntityId", entityId(request, entity, record.id))) }
        if preferences.returnRepresentation { headers.append(("Preference-Applied", "return=representation")) }
        var response = DynamicsWebResponse.json(encoder.encodeEntity(record, lookupNames: names), status: status, headers: headers)
        response.recordsServed = 1
        return response
    }

    static func entityId(_ request: DynamicsWebRequest, _ entity: DynamicsEntityDefinition, _ id: UUID) -> String {
        "\(request.serviceRoot)\(entity.entitySetName)(\(id.dynamicsString))"
    }

    private static func create(
        set: String, request: DynamicsWebRequest, preferences: DynamicsPreferences,
        in organization: inout DynamicsOrganization, now: Int64
    ) throws(DynamicsError) -> DynamicsWebResponse {
        let entity = try organization.definition(set: set)
        let query = try DynamicsQuery(options: request.query, entity: entity)
        let payload = try DynamicsRecordPayload(bytes: request.body, entity: entity)
        let record = try organization.create(in: set, id: nil, payload: payload, now: now)
        return written(record, created: true, entity: entity, select: query.select, request: request, preferences: preferences, in: organization)
    }

    private static func written(
        _ record: DynamicsRecord, created: Bool, entity: DynamicsEntityDefinition, select: [Int]?,
        request: DynamicsWebRequest, preferences: DynamicsPreferences, in organization: DynamicsOrganization
    ) -> DynamicsWebResponse {
        if preferences.returnRepresentation {
            return representation(
                record, entity: entity, select: select, request: request, preferences: preferences, in: organization,
                status: created ? .created : .ok)
        }
        return DynamicsWebResponse(status: .noContent, headers: [
            ("OData-Version", "4.0"), ("OData-EntityId", entityId(request, entity, record.id)),
        ])
    }

    /// PATCH: update, or create when missing (upsert). `If-Match: *` forbids the create
    /// (404), `If-None-Match: *` forbids the update (412), `If-Match: W/"v"` requires the
    /// row version (412 otherwise).
    private static func upsert(
        set: String, key: DynamicsResourcePath.Key, request: DynamicsWebRequest, preferences: DynamicsPreferences,
        in organization: inout DynamicsOrganization, now: Int64
    ) throws(DynamicsError) -> DynamicsWebResponse {
        let entity = try organization.definition(set: set)
        let query = try DynamicsQuery(options: request.query, entity: entity)
        let payload = try DynamicsRecordPayload(bytes: request.body, entity: entity)
        let existing = try organization.resolve(key, in: set)
        let ifMatch = request.header("if-match")
        let ifNoneMatch = request.header("if-none-match")
        if let id = existing {
            if ifNoneMatch == "*" {
                throw DynamicsError(.preconditionFailed, code: "0x80040237", "A record with matching key values already exists.")
            }
            if let ifMatch, ifMatch != "*", let record = organization.tables[set]?.record(id: id), ifMatch != "W/\"\(record.version)\"" {
                throw DynamicsError(.preconditionFailed, code: "0x80060882", "The version of the existing record doesn't match the RowVersion property provided.")
            }
            let record = try organization.update(in: set, id: id, payload: payload, now: now)
            return written(record, created: false, entity: entity, select: query.select, request: request, preferences: preferences, in: organization)
        }
        if ifMatch != nil { throw notFound(key, entity) }
        var id: UUID?
        var keyValues: [(Int, DynamicsValue)] = []
        switch key {
        case .id(let given):
            id = given
        case .alternate(let pairs):
            let (name, values) = try organization.alternateKey(pairs, in: entity)
            for (column, value) in zip(entity.alternateKeys[name] ?? [], values) {
                if let index = entity.fieldIndex[column] { keyValues.append((index, value)) }
            }
        }
        let record = try organization.create(in: set, id: id, payload: payload, keyValues: keyValues, now: now)
        return written(record, created: true, entity: entity, select: query.select, request: request, preferences: preferences, in: organization)
    }
}
