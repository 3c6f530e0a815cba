import CoreValues

/// The fields of one record in a write request, decoded against the object.
/// Problems of the whole request (unknown field, a value of the wrong JSON
/// type) are thrown; problems of this record are kept for its result.
struct SalesforceRecordInput: Sendable {
    enum Purpose: Sendable { case create, update }

    var assignments: [(index: Int, value: SalesforceValue)] = []
    /// `Id`/`id` from the body (collection updates name the record this way).
    var id: String?
    var problems: [SalesforceRecordError] = []

    init(_ members: [(key: String, value: SalesforceJSONValue)], schema: SalesforceObjectSchema,
         purpose: Purpose) throws(SalesforceAPIError) {
        var readOnly: [String] = []
        for (key, json) in members {
            if key == "attributes" { continue }
            if key.lowercased() == "id" {
                id = json.stringValue
                if purpose == .create, json != .null {
                    problems.append(SalesforceRecordError("INVALID_FIELD_FOR_INSERT_UPDATE", "cannot specify Id in an insert call", fields: ["Id"]))
                }
                continue
            }
            guard let index = schema.index(of: key) else {
                throw SalesforceAPIError(.badRequest, "INVALID_FIELD", "No such column '\(key)' on sobject of type \(schema.name)")
            }
            let field = schema.fields[index]
            let value = try Self.coerce(json, to: field)
            if !(purpose == .create ? field.isCreateable : field.isUpdateable) {
                readOnly.append(field.name)
                continue
            }
            if let problem = Self.check(value, field: field) { problems.append(problem) }
            assignments.append((index, value))
        }
        if !readOnly.isEmpty {
            problems.append(SalesforceRecordError(
                "INVALID_FIELD_FOR_INSERT_UPDATE",
                "Unable to create/update fields: \(readOnly.joined(separator: ", ")). Please check the security settings of this field and verify that it is read/write for your profile or permission set.",
                fields: readOnly))
        }
    }

    /// The JSON value as the field's type, or the deserialisation error the
    /// platform answers for the whole request.
    static func coerce(_ json: SalesforceJSONValue, to field: SalesforceField) throws(SalesforceAPIError) -> SalesforceValue {
        if json == .null { return .null }
        switch (field.type.kind, json) {
        case (.text, .string(let text)):
            return .string(text)
        case (.id, .string(let text)):
            return .string(SalesforceID.normalized(text) ?? text)
        case (.text, .number(let number, let isInteger)):
            return .string(isInteger ? Int64(exactly: number).map { String($0) } ?? String(number) : String(number))
        case (.boolean, .bool(let flag)):
            return .boolean(flag)
        case (.number, .number(let number, let isInteger)):
            if field.type == .integer, isInteger, let integer = Int(exactly: number) { return .integer(integer) }
            return .double(number)
        case (.date, .string(let text)):
            if let days = SalesforceDateTime.parseDate(text) { return .date(days) }
            if let milliseconds = SalesforceDateTime.parseDateTime(text) { return .date(CivilCalendar.days(of: milliseconds)) }
        case (.dateTime, .string(let text)):
            if let milliseconds = SalesforceDateTime.parseDateTime(text) { return .dateTime(milliseconds) }
            if let days = SalesforceDateTime.parseDate(text) { return .dateTime(Int64(days) * CivilCalendar.millisecondsPerDay) }
        default:
            break
        }
        throw .jsonParser(
            "Cannot deserialize instance of \(field.type.describeName) from \(json.tokenName) value \(json.textForMessage) or request may be missing a required field")
    }

    /// Length and format checks of one value (`STRING_TOO_LONG`, `INVALID_EMAIL_ADDRESS`).
    static func check(_ value: SalesforceValue, field: SalesforceField) -> SalesforceRecordError? {
        guard case .string(let text) = value else { return nil }
        if field.length > 0, text.count > field.length, field.type.kind == .text {
            return SalesforceRecordError("STRING_TOO_LONG", "\(field.label): data value too large: \(text) (max length=\(field.length))", fields: [field.name])
        }
        if field.type == .email, !isEmailAddress(text) {
            return SalesforceRecordError("INVALID_EMAIL_ADDRESS", "\(field.label): invalid email address: \(text)", fields: [field.name])
        }
        return nil
    }

    private static func isEmailAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !text.contains(" ") else { return false }
        let domain = parts[1]
        return domain.contains(".") && !domain.hasPrefix(".") && !domain.hasSuffix(".")
    }
}
