import CoreValues

/// An admin-defined validation rule: a record of `object` matching `condition`
/// (a SOQL WHERE expression, evaluated on the record as the write would leave
/// it) is refused with `FIELD_CUSTOM_VALIDATION_EXCEPTION` and `message`.
struct SalesforceValidationRule: Sendable {
    /// The JSON form of `PUT /admin/salesforce/validation-rules`.
    struct Definition: Codable, Sendable, Equatable {
        var object: String
        var name: String?
        var condition: String
        var message: String
        /// The field the error is shown on, if any (`fields` of the error).
        var field: String?
    }

    let definition: Definition
    let objectName: String
    let predicate: SOQLPredicate

    init(_ definition: Definition) throws(SOQLError) {
        let query = "SELECT Id FROM \(definition.object) WHERE \(definition.condition)"
        let compiled = try SOQLQuery.compile(query, objects: SalesforceObjectSchema.byLowercasedName, now: CivilCalendar.nowWholeSeconds())
        guard let predicate = compiled.predicate else {
            throw SOQLError(errorCode: "MALFORMED_QUERY", message: "a validation rule needs a condition")
        }
        if let field = definition.field, compiled.schema.index(of: field) == nil {
            throw SOQLError(errorCode: "INVALID_FIELD", message: "No such column '\(field)' on entity '\(compiled.schema.name)'")
        }
        self.definition = definition
        self.objectName = compiled.schema.name
        self.predicate = predicate
    }

    func refuses(_ record: SalesforceRecord) -> SalesforceRecordError? {
        guard predicate.matches(record) else { return nil }
        return SalesforceRecordError("FIELD_CUSTOM_VALIDATION_EXCEPTION", definition.message, fields: definition.field.map { [$0] } ?? [])
    }
}
