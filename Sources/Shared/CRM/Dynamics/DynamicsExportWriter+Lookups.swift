import CoreValues

extension DynamicsExportWriter {
    /// A lookup key that cannot be bound: the record's reject.
    struct LookupRefused: Error {
        var outcome: CRMWriteOutcome
    }

    /// The record with each lookup as the field `<property>@odata.bind`: the reference
    /// `/<target>(<guid>)`, or null, which clears the link (Dataverse's documented way to
    /// disassociate a single-valued navigation property). A key that is no GUID would be
    /// refused by the CRM for the whole record: it is a reject `invalid-crm-id` here.
    static func bindingLookups(_ record: CRMExportRecord) -> Result<CRMExportRecord, LookupRefused> {
        var bound = record
        for (property, lookup) in record.lookups.sorted(by: { $0.key < $1.key }) {
            guard let key = lookup.id?.trimmingCharacters(in: .whitespaces), !key.isEmpty else {
                bound.fields[property + "@odata.bind"] = .null
                continue
            }
            guard let id = ODataLiteral.guid(key) else {
                return .failure(LookupRefused(outcome: .rejected(
                    code: "invalid-crm-id", message: "the lookup \(property) names \"\(key.prefix(60))\", not a Dynamics record id (a GUID)")))
            }
            bound.fields[property + "@odata.bind"] = .string("/\(lookup.target)(\(id))")
        }
        bound.lookups = [:]
        return .success(bound)
    }
}
