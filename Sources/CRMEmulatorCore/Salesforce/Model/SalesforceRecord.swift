/// One stored row. `values` follows the object's field order; deleted rows stay
/// (`IsDeleted = true`) for `queryAll` and `getDeleted`, as in the recycle bin.
struct SalesforceRecord: Sendable {
    let id: String
    var values: [SalesforceValue]
    /// When the row was deleted, milliseconds since the epoch.
    var deletedDate: Int64?

    var isDeleted: Bool { deletedDate != nil }

    var systemModstamp: Int64 {
        values[SalesforceObjectSchema.systemModstampIndex].dateTimeValue ?? 0
    }

    subscript(index: Int) -> SalesforceValue {
        get { values[index] }
        set { values[index] = newValue }
    }

    /// A new row: id, system fields, and each field's default.
    init(id: String, schema: SalesforceObjectSchema, now: Int64) {
        self.id = id
        values = schema.fields.map(\.defaultValue)
        values[SalesforceObjectSchema.idIndex] = .string(id)
        values[SalesforceObjectSchema.isDeletedIndex] = .boolean(false)
        values[SalesforceObjectSchema.createdDateIndex] = .dateTime(now)
        values[SalesforceObjectSchema.lastModifiedDateIndex] = .dateTime(now)
        values[SalesforceObjectSchema.systemModstampIndex] = .dateTime(now)
        values[SalesforceObjectSchema.createdByIdIndex] = .string(SalesforceUsers.acting)
        values[SalesforceObjectSchema.lastModifiedByIdIndex] = .string(SalesforceUsers.acting)
    }

    /// Stamps a write: `LastModifiedDate` and `SystemModstamp` move together, and
    /// `LastModifiedById` names the user the request runs as.
    mutating func touch(at now: Int64) {
        values[SalesforceObjectSchema.lastModifiedDateIndex] = .dateTime(now)
        values[SalesforceObjectSchema.systemModstampIndex] = .dateTime(now)
        values[SalesforceObjectSchema.lastModifiedByIdIndex] = .string(SalesforceUsers.acting)
    }

    /// Recomputes platform-derived fields (Contact and Lead `Name`).
    mutating func deriveFields(schema: SalesforceObjectSchema) {
        guard schema.composesName, let nameIndex = schema.nameIndex,
              let first = schema.firstNameIndex, let last = schema.lastNameIndex else { return }
        let parts = [values[first].stringValue, values[last].stringValue].compactMap { $0 }.filter { !$0.isEmpty }
        values[nameIndex] = parts.isEmpty ? .null : .string(parts.joined(separator: " "))
    }
}
