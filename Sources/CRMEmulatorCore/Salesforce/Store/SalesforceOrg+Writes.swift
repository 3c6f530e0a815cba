/// Record writes with the platform's per-record checks, in the order it runs
/// them: the record's own problems, required fields, lookups, unique values,
/// then validation rules. Every successful write stamps `LastModifiedDate`
/// and `SystemModstamp`.
extension SalesforceOrg {
    typealias WriteResult = Result<String, SalesforceRecordError>

    mutating func create(_ input: SalesforceRecordInput, schema: SalesforceObjectSchema, now: Int64) -> WriteResult {
        if let problem = input.problems.first { return .failure(problem) }
        let id = nextID(for: schema)
        var record = SalesforceRecord(id: id, schema: schema, now: now)
        for (index, value) in input.assignments { record[index] = value }
        if schema.isCustom, let nameIndex = schema.nameIndex, record[nameIndex].isNull { record[nameIndex] = .string(id) }
        record.deriveFields(schema: schema)
        if let problem = validate(record, schema: schema, assigned: input.assignments.map(\.index)) { return .failure(problem) }
        tables[schema.name.lowercased()]?.insert(record)
        return .success(id)
    }

    mutating func update(id rawID: String, _ input: SalesforceRecordInput, schema: SalesforceObjectSchema?, now: Int64) -> WriteResult {
        let located: (schema: SalesforceObjectSchema, position: Int)
        switch find(rawID, expected: schema) {
        case .success(let found): located = found
        case .failure(let error): return .failure(error)
        }
        return update(at: located.position, input, schema: located.schema, now: now)
    }

    mutating func update(at position: Int, _ input: SalesforceRecordInput, schema: SalesforceObjectSchema, now: Int64) -> WriteResult {
        if let problem = input.problems.first { return .failure(problem) }
        let key = schema.name.lowercased()
        guard var record = tables[key]?.records[position] else { return .failure(.notFound) }
        guard !record.isDeleted else { return .failure(.entityIsDeleted) }
        for (index, value) in input.assignments { record[index] = value }
        record.deriveFields(schema: schema)
        record.touch(at: now)
        if let problem = validate(record, schema: schema, assigned: input.assignments.map(\.index)) { return .failure(problem) }
        tables[key]?.replace(at: position, with: record)
        return .success(record.id)
    }

    /// Upsert by external id (or `Id`): updates the one live match, creates when
    /// there is none. Several matches cannot happen for unique fields.
    mutating func upsert(_ input: SalesforceRecordInput, schema: SalesforceObjectSchema, externalField: Int,
                         value: SalesforceValue, now: Int64) -> Result<(id: String, created: Bool), SalesforceRecordError> {
        if externalField == SalesforceObjectSchema.idIndex {
            guard case .string(let id) = value else { return .failure(.notFound) }
            return update(id: id, input, schema: schema, now: now).map { ($0, false) }
        }
        var input = input
        let field = schema.fields[externalField]
        if let given = input.assignments.first(where: { $0.index == externalField }) {
            guard SOQLOrdering.compare(given.value, value, field.type.kind) == 0 else {
                return .failure(SalesforceRecordError("INVALID_FIELD", "\(field.name): value in the record does not match the external id in the URL", fields: [field.name]))
            }
        } else {
            input.assignments.append((externalField, value))
        }
        // No local copy of the table: holding one while writing would copy it.
        if let position = table(for: schema).position(uniqueField: externalField, value: value) {
            return update(at: position, input, schema: schema, now: now).map { ($0, false) }
        }
        return create(input, schema: schema, now: now).map { ($0, true) }
    }

    /// Soft delete: the row stays with `IsDeleted = true` for `queryAll` and `getDeleted`.
    mutating func delete(id rawID: String, schema: SalesforceObjectSchema?, now: Int64) -> WriteResult {
        let located: (schema: SalesforceObjectSchema, position: Int)
        switch find(rawID, expected: schema) {
        case .success(let found): located = found
        case .failure(let error): return .failure(error)
        }
        let key = located.schema.name.lowercased()
        guard var record = tables[key]?.records[located.position] else { return .failure(.notFound) }
        guard !record.isDeleted else { return .failure(.entityIsDeleted) }
        record.deletedDate = now
        record[SalesforceObjectSchema.isDeletedIndex] = .boolean(true)
        record.touch(at: now)
        tables[key]?.replace(at: located.position, with: record)
        return .success(record.id)
    }

    private func find(_ rawID: String, expected schema: SalesforceObjectSchema?) -> Result<(schema: SalesforceObjectSchema, position: Int), SalesforceRecordError> {
        guard let id = SalesforceID.normalized(rawID) else {
            return .failure(schema == nil ? SalesforceRecordError("MALFORMED_ID", "malformed id \(rawID)") : .notFound)
        }
        guard let located = locate(id), schema == nil || located.schema.name == schema?.name else {
            return .failure(schema == nil ? SalesforceRecordError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id") : .notFound)
        }
        return .success(located)
    }

    private func validate(_ record: SalesforceRecord, schema: SalesforceObjectSchema, assigned: [Int]) -> SalesforceRecordError? {
        let missing = schema.requiredFieldIndices.filter { record[$0].isNull }.map { schema.fields[$0].name }
        if !missing.isEmpty {
            return SalesforceRecordError("REQUIRED_FIELD_MISSING", "Required fields are missing: [\(missing.joined(separator: ", "))]", fields: missing)
        }
        for index in assigned {
            if case .reference(let targets) = schema.fields[index].type, case .string(let target) = record[index],
               let problem = checkReference(target, field: schema.fields[index], targets: targets) {
                return problem
            }
        }
        let table = self.table(for: schema)
        for index in schema.uniqueFieldIndices where !record[index].isNull {
            if let position = table.position(uniqueField: index, value: record[index]), table.records[position].id != record.id {
                let field = schema.fields[index].name
                return SalesforceRecordError(
                    "DUPLICATE_VALUE", "duplicate value found: \(field) duplicates value on record with id: \(table.records[position].id)",
                    fields: [field])
            }
        }
        for rule in rules where rule.objectName == schema.name {
            if let problem = rule.refuses(record) { return problem }
        }
        return nil
    }

    private func checkReference(_ target: String, field: SalesforceField, targets: [String]) -> SalesforceRecordError? {
        guard let id = SalesforceID.normalized(target),
              let schema = SalesforceObjectSchema.byKeyPrefix[SalesforceID.prefix(of: id)], targets.contains(schema.name)
        else {
            return SalesforceRecordError("FIELD_INTEGRITY_EXCEPTION", "\(field.label): id value of incorrect type: \(target)", fields: [field.name])
        }
        guard let record = table(for: schema).record(id: id) else {
            return SalesforceRecordError("INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY", "insufficient access rights on cross-reference id: \(target)")
        }
        return record.isDeleted ? SalesforceRecordError("ENTITY_IS_DELETED", "entity is deleted", fields: [field.name]) : nil
    }
}
