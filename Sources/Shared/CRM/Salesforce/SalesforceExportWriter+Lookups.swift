import CoreValues

extension SalesforceExportWriter {
    /// The record's fields with each lookup as its field set to the linked record's Id
    /// (null clears the link). Salesforce checks the Id itself and refuses the record with
    /// its own code (`INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY`, `FIELD_INTEGRITY_EXCEPTION`).
    static func lookupsAsFields(_ record: CRMExportRecord) -> [String: FieldValue] {
        var fields = record.fields
        for (field, lookup) in record.lookups {
            let id = lookup.id?.trimmingCharacters(in: .whitespaces) ?? ""
            fields[field] = id.isEmpty ? .null : .string(id)
        }
        return fields
    }
}
