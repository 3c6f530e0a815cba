import CoreValues

extension SalesforceExportWriter {
    /// One Bulk API 2.0 job for `records` (every one with its key, when the operation
    /// needs one): an upsert by the key field, an update or a delete by `Id`, an insert.
    /// Answers a result per record, in order, matched by key (`SalesforceBulkIngest`).
    func bulkWrite(_ records: [CRMExportRecord]) async throws -> [SalesforceBulkIngest.RecordResult] {
        let key = records.map { $0.key?.trimmingCharacters(in: .whitespaces) }
        switch target.operation {
        case .delete:
            return try await bulk.ingest(.delete, object: target.object, columns: ["Id"], rows: key.map { [$0] })
        case .insert, .update, .upsert:
            let keyColumn: String? = switch target.operation {
            case .update: "Id"
            case .upsert: target.keyField
            default: nil
            }
            let fields = records.map(Self.lookupsAsFields)
            let fieldColumns = Set(fields.flatMap(\.keys)).subtracting(keyColumn.map { [$0] } ?? []).sorted()
            let columns = (keyColumn.map { [$0] } ?? []) + fieldColumns
            let rows = zip(key, fields).map { key, fields in
                (keyColumn == nil ? [] : [key]) + fieldColumns.map { Self.csvValue(fields[$0]) }
            }
            let operation: SalesforceBulkIngest.Operation = switch target.operation {
            case .update: .update
            case .upsert: .upsert
            default: .insert
            }
            return try await bulk.ingest(operation, object: target.object, externalID: keyColumn, columns: columns, rows: rows)
        }
    }

    /// A field's CSV value as Collections would write it: absent leaves the field alone
    /// (an empty CSV field); null and the empty string clear it (`#N/A`, written for nil).
    static func csvValue(_ value: FieldValue?) -> String? {
        guard let value else { return "" }
        guard let text = value.text, !text.isEmpty else { return nil }
        return text
    }

    /// A Bulk API 2.0 failure as Collections would have answered it: a delete of a record
    /// already gone counts as deleted.
    static func refined(_ code: String, _ message: String, operation: CRMExportTarget.Operation) -> CRMWriteOutcome {
        operation == .delete && code == "ENTITY_IS_DELETED" ? .written : .rejected(code: code, message: message)
    }
}
