import Foundation

/// A write body read against a table: column assignments (typed and length-checked) and
/// lookup bindings (`parentcustomerid_account@odata.bind: "/accounts(<guid>)"`).
struct DynamicsRecordPayload: Sendable {
    struct Binding: Sendable {
        var field: Int
        /// The entity set named in the bind path; nil clears the lookup.
        var entitySet: String?
        var id: UUID?
    }

    var assignments: [(field: Int, value: DynamicsValue)] = []
    var bindings: [Binding] = []
    /// The primary key, when the body carries it.
    var primaryKey: UUID?

    init(bytes: [UInt8], entity: DynamicsEntityDefinition) throws(DynamicsError) {
        guard let object = DynamicsJSONValue.object(from: bytes) else {
            throw .payload(entity, "The request body must be a JSON object.")
        }
        try self.init(object: object, entity: entity)
    }

    init(object: [String: DynamicsJSONValue], entity: DynamicsEntityDefinition) throws(DynamicsError) {
        for (key, json) in object.sorted(by: { $0.key < $1.key }) {
            if key.hasSuffix("@odata.bind") {
                bindings.append(try Self.binding(String(key.dropLast("@odata.bind".count)), json, entity: entity))
                continue
            }
            if key.contains("@") { continue }
            guard let index = entity.fieldIndex[key] else {
                throw .badQuery("The property '\(key)' does not exist on type '\(entity.qualifiedTypeName)'. Make sure to only use property names that are defined by the type or mark the type as open type.")
            }
            let field = entity.fields[index]
            if field.isLookup {
                throw .badQuery("The property '\(key)' is a lookup; set it with '\(key)_<table>@odata.bind'.")
            }
            if index == entity.primaryKeyIndex {
                guard case .string(let text) = json, let id = UUID(uuidString: text) else {
                    throw .payload(entity, "Cannot convert the literal '\(Self.describe(json))' to the expected type 'Edm.Guid'.")
                }
                primaryKey = id
                continue
            }
            if field.isReadOnly { continue }
            assignments.append((index, try Self.value(json, field: field, entity: entity)))
        }
    }

    private static func value(_ json: DynamicsJSONValue, field: DynamicsFieldDefinition, entity: DynamicsEntityDefinition) throws(DynamicsError) -> DynamicsValue {
        let mismatch = DynamicsError.payload(entity, "Cannot convert the literal '\(describe(json))' to the expected type '\(field.type.edmType)'.")
        if json == .null { return .null }
        switch field.type {
        case .string(let maxLength), .memo(let maxLength):
            guard case .string(let text) = json else { throw mismatch }
            if text.count > maxLength {
                throw .validation("A validation error occurred. The length of the '\(field.name)' attribute of the '\(entity.logicalName)' entity exceeded the maximum allowed length of '\(maxLength)'.")
            }
            return .string(text)
        case .integer:
            guard case .integer(let number) = json, number >= Int(Int32.min), number <= Int(Int32.max) else { throw mismatch }
            return .integer(number)
        case .bigInt:
            guard case .integer(let number) = json else { throw mismatch }
            return .integer(number)
        case .picklist(_, let options):
            guard case .integer(let number) = json else { throw mismatch }
            guard options[number] != nil else {
                let accepted = options.keys.sorted().map(String.init).joined(separator: ",")
                throw .validation("A validation error occurred. The value \(number) of '\(field.name)' on record of type '\(entity.logicalName)' is outside the valid range. Accepted Values: \(accepted)")
            }
            return .integer(number)
        case .decimal, .money:
            switch json {
            case .integer(let number): return .decimal(Double(number))
            case .number(let number): return .decimal(number)
            default: throw mismatch
            }
        case .boolean:
            guard case .bool(let flag) = json else { throw mismatch }
            return .boolean(flag)
        case .dateTime:
            guard case .string(let text) = json, let ms = DynamicsDateTime.parseDateTime(Substring(text)) else { throw mismatch }
            return .dateTime(ms / 1000 * 1000)
        case .dateOnly:
            guard case .string(let text) = json else { throw mismatch }
            if let days = DynamicsDateTime.parseDate(Substring(text)) { return .date(days) }
            guard let ms = DynamicsDateTime.parseDateTime(Substring(text)) else { throw mismatch }
            return .date(Int32(ms / 86_400_000))
        case .uniqueIdentifier:
            guard case .string(let text) = json, let id = UUID(uuidString: text) else { throw mismatch }
            return .guid(id)
        case .lookup:
            throw mismatch
        }
    }

    /// Matches a navigation property to a lookup column, exactly as Dataverse names them
    /// (case-sensitive): a single-target lookup by its own name; a polymorphic one only
    /// with its target suffix, `parentcustomerid_contact` (plain `parentcustomerid` is
    /// refused); an activity's regarding only as `regardingobjectid_<target>_<activity>`
    /// (`regardingobjectid_contact_crmb_emailsend`).
    private static func binding(_ navigation: String, _ json: DynamicsJSONValue, entity: DynamicsEntityDefinition) throws(DynamicsError) -> Binding {
        let name = navigation
        for (index, field) in entity.fields.enumerated() {
            guard case .lookup(let targets) = field.type else { continue }
            let candidates: [String]
            if entity.isActivity, field.name == "regardingobjectid" {
                candidates = targets.map { "\(field.name)_\($0)_\(entity.logicalName)" }
            } else if targets.count > 1 {
                candidates = targets.map { "\(field.name)_\($0)" }
            } else {
                candidates = [field.name]
            }
            guard candidates.contains(name) else { continue }
            if json == .null { return Binding(field: index, entitySet: nil, id: nil) }
            guard case .string(let path) = json, let (set, id) = parseReference(path) else {
                throw .payload(entity, "The value of '\(navigation)@odata.bind' must be a reference like '/contacts(00000000-0000-0000-0000-000000000000)'.")
            }
            return Binding(field: index, entitySet: set, id: id)
        }
        throw .badQuery("An undeclared property '\(navigation)' which only has property annotations in the payload but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be represented as properties without values.")
    }

    /// `/accounts(<guid>)`, `accounts(<guid>)` or an absolute URL ending so.
    static func parseReference(_ path: String) -> (String, UUID)? {
        var text = Substring(path)
        if let range = text.range(of: "/api/data/v9.2/") { text = text[range.upperBound...] }
        while text.hasPrefix("/") { text = text.dropFirst() }
        guard let open = text.firstIndex(of: "("), text.hasSuffix(")") else { return nil }
        let set = String(text[..<open])
        let key = text[text.index(after: open)..<text.index(before: text.endIndex)]
        guard !set.isEmpty, let id = UUID(uuidString: String(key)) else { return nil }
        return (set, id)
    }

    private static func describe(_ json: DynamicsJSONValue) -> String {
        switch json {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .integer(let number): String(number)
        case .number(let number): String(number)
        case .string(let text): text
        case .array: "[…]"
        case .object: "{…}"
        }
    }
}
