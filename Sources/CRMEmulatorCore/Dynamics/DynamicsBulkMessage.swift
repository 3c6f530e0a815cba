import Foundation
import Hummingbird

/// The bulk operation messages (`POST <set>/Microsoft.Dynamics.CRM.CreateMultiple`,
/// `UpdateMultiple`, `UpsertMultiple`, body `{"Targets":[…]}`), as the reference
/// describes them: one request however many targets, all or nothing on standard tables
/// (every table the emulator has is a standard one: custom tables are standard tables,
/// and it has no elastic table), the first failing target's error as the answer.
enum DynamicsBulkMessage: String, CaseIterable {
    case createMultiple = "CreateMultiple"
    case updateMultiple = "UpdateMultiple"
    case upsertMultiple = "UpsertMultiple"

    static let namespace = "Microsoft.Dynamics.CRM."

    /// `crmb_emailsends/Microsoft.Dynamics.CRM.UpsertMultiple` → (`crmb_emailsends`, .upsertMultiple).
    static func match(_ path: String) -> (set: String, message: DynamicsBulkMessage)? {
        guard let slash = path.firstIndex(of: "/") else { return nil }
        let action = path[path.index(after: slash)...]
        guard action.hasPrefix(namespace), let message = DynamicsBulkMessage(rawValue: String(action.dropFirst(namespace.count))) else {
            return nil
        }
        return (String(path[..<slash]), message)
    }

    /// Runs the message; answers it and how many targets it wrote (the execution cost).
    func execute(set: String, request: DynamicsWebRequest, in organization: inout DynamicsOrganization, now: Int64) -> (DynamicsWebResponse, Int) {
        guard request.method == .post else {
            return (DynamicsWebResponse(error: DynamicsError(.methodNotAllowed, code: "0x80060888", "The HTTP method '\(request.method.rawValue)' is not allowed for this resource.")), 0)
        }
        let before = organization
        do throws(DynamicsError) {
            let entity = try organization.definition(set: set)
            let targets = try Self.targets(request.body, entity: entity)
            var ids: [UUID] = []
            for target in targets {
                ids.append(try write(target, set: set, entity: entity, in: &organization, now: now))
            }
            switch self {
            case .createMultiple:
                let list = ids.map { "\"\($0.dynamicsString)\"" }.joined(separator: ",")
                let body = "{\"@odata.context\":\"\(request.serviceRoot)$metadata#Microsoft.Dynamics.CRM.CreateMultipleResponse\",\"Ids\":[\(list)]}"
                return (DynamicsWebResponse.json(ByteBuffer(string: body), headers: [("OData-Version", "4.0")]), targets.count)
            case .updateMultiple, .upsertMultiple:
                return (DynamicsWebResponse(status: .noContent, headers: [("OData-Version", "4.0")]), targets.count)
            }
        } catch {
            // A standard table: one failure rolls the whole call back.
            organization = before
            return (DynamicsWebResponse(error: error), 0)
        }
    }

    /// The `Targets` array: objects typed with this table's `@odata.type`.
    private static func targets(_ body: [UInt8], entity: DynamicsEntityDefinition) throws(DynamicsError) -> [[String: DynamicsJSONValue]] {
        guard let object = DynamicsJSONValue.object(from: body), case .array(let items)? = object["Targets"] else {
            throw DynamicsError(.badRequest, code: "0x80048d19", "Error identified in Payload provided by the user for Entity :'', For more information on this error please follow this help link https://go.microsoft.com/fwlink/?linkid=2195293 ----> InnerException : Microsoft.OData.ODataException: The parameter 'Targets' in the request payload is not a valid parameter for the operation.")
        }
        guard !items.isEmpty else {
            throw DynamicsError(.badRequest, code: "0x80040203", "Targets must contain at least one entity.")
        }
        var targets: [[String: DynamicsJSONValue]] = []
        for item in items {
            guard case .object(let target) = item else {
                throw DynamicsError(.badRequest, code: "0x80048d19", "Every item of Targets must be an entity object.")
            }
            guard case .string(let type)? = target["@odata.type"], type == entity.qualifiedTypeName else {
                throw DynamicsError(.badRequest, code: "0x80048d19", "Every target must carry \"@odata.type\": \"\(entity.qualifiedTypeName)\".")
            }
            targets.append(target)
        }
        return targets
    }

    private func write(
        _ target: [String: DynamicsJSONValue], set: String, entity: DynamicsEntityDefinition,
        in organization: inout DynamicsOrganization, now: Int64
    ) throws(DynamicsError) -> UUID {
        let payload = try DynamicsRecordPayload(object: target, entity: entity)
        switch self {
        case .createMultiple:
            return try organization.create(in: set, id: nil, payload: payload, now: now).id
        case .updateMultiple:
            guard let id = payload.primaryKey else {
                throw DynamicsError(.badRequest, code: "0x80040203", "UpdateMultiple needs the primary key \(entity.primaryKey) on every target.")
            }
            return try organization.update(in: set, id: id, payload: payload, now: now).id
        case .upsertMultiple:
            return try upsert(target, payload: payload, set: set, entity: entity, in: &organization, now: now)
        }
    }

    /// A target addressed by `@odata.id` (`set(key='v')` or `set(<guid>)`), or by its
    /// primary key in the body.
    private func upsert(
        _ target: [String: DynamicsJSONValue], payload: DynamicsRecordPayload, set: String, entity: DynamicsEntityDefinition,
        in organization: inout DynamicsOrganization, now: Int64
    ) throws(DynamicsError) -> UUID {
        guard case .string(let reference)? = target["@odata.id"] else {
            guard let id = payload.primaryKey else {
                throw DynamicsError(.badRequest, code: "0x80040203", "UpsertMultiple needs \"@odata.id\" or the primary key on every target.")
            }
            if organization.tables[set]?.record(id: id) != nil {
                return try organization.update(in: set, id: id, payload: payload, now: now).id
            }
            return try organization.create(in: set, id: id, payload: payload, now: now).id
        }
        let relative = reference.hasPrefix("/") ? String(reference.dropFirst()) : reference
        guard case .record(let addressed, let key) = try DynamicsResourcePath.parse(relative), addressed == set else {
            throw DynamicsError(.badRequest, code: "0x80048d19", "The \"@odata.id\" '\(reference)' does not address a record of \(set).")
        }
        var keyValues: [(Int, DynamicsValue)] = []
        if case .alternate(let pairs) = key {
            // Documented: the key column repeated in the body makes the create path fail.
            for (column, _) in pairs where target[column] != nil {
                throw DynamicsError(.badRequest, code: "0x80040216", "An unexpected error occurred. The alternate key column '\(column)' must be given only in @odata.id.")
            }
            let (name, values) = try organization.alternateKey(pairs, in: entity)
            for (column, value) in zip(entity.alternateKeys[name] ?? [], values) {
                if let index = entity.fieldIndex[column] { keyValues.append((index, value)) }
            }
        }
        if let id = try organization.resolve(key, in: set) {
            return try organization.update(in: set, id: id, payload: payload, now: now).id
        }
        var id: UUID?
        if case .id(let given) = key { id = given }
        return try organization.create(in: set, id: id, payload: payload, keyValues: keyValues, now: now).id
    }
}
