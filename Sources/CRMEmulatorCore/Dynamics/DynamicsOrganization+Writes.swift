import Foundation

extension DynamicsOrganization {
    /// The outcome of a create, update or upsert.
    struct WriteResult {
        var record: DynamicsRecord
        var created: Bool
    }

    /// Creates a row. `keyValues` are columns fixed by the URL (alternate-key upsert).
    mutating func create(
        in set: String, id: UUID?, payload: DynamicsRecordPayload, keyValues: [(Int, DynamicsValue)] = [],
        modifiedOn: Int64? = nil, now: Int64
    ) throws(DynamicsError) -> DynamicsRecord {
        // No local copy of the table may live across the write below: in a debug build it
        // would stay alive to the end of the scope and make `store` copy every row of the
        // table on each write (quadratic in the table's size; 20,000 records took minutes).
        guard let entity = tables[set]?.definition else { throw .segmentNotFound(set) }
        let id = id ?? payload.primaryKey ?? UUID()
        if tables[set]?.record(id: id) != nil {
            throw DynamicsError(.preconditionFailed, code: "0x80040237", "A record with matching key values already exists.")
        }
        var record = DynamicsRecord(id: id, version: 0, values: entity.fields.map(\.defaultValue))
        record[entity.primaryKeyIndex] = .guid(id)
        if let index = entity.createdOnIndex { record[index] = .dateTime(now) }
        try apply(payload, to: &record, entity: entity)
        for (index, value) in keyValues { record[index] = value }
        if let index = entity.modifiedOnIndex { record[index] = .dateTime(modifiedOn ?? now) }
        try commit(&record, in: set)
        return record
    }

    /// Updates an existing row with the body's columns.
    mutating func update(in set: String, id: UUID, payload: DynamicsRecordPayload, now: Int64) throws(DynamicsError) -> DynamicsRecord {
        guard let entity = tables[set]?.definition else { throw .segmentNotFound(set) }
        guard var record = tables[set]?.record(id: id) else { throw .recordNotFound(entity, id.dynamicsString) }
        try apply(payload, to: &record, entity: entity)
        if let index = entity.modifiedOnIndex { record[index] = .dateTime(now) }
        try commit(&record, in: set)
        return record
    }

    /// Deletes a row, leaving a tombstone for change tracking.
    mutating func delete(in set: String, id: UUID, now: Int64) throws(DynamicsError) {
        guard let entity = tables[set]?.definition else { throw .segmentNotFound(set) }
        guard tables[set]?.record(id: id) != nil else { throw .recordNotFound(entity, id.dynamicsString) }
        let version = nextVersion()
        tables[set]?.remove(id: id, version: version, at: now)
        trimTombstones(now: now)
    }

    private func apply(_ payload: DynamicsRecordPayload, to record: inout DynamicsRecord, entity: DynamicsEntityDefinition) throws(DynamicsError) {
        for (index, value) in payload.assignments { record[index] = value }
        for binding in payload.bindings {
            guard let set = binding.entitySet, let id = binding.id else {
                record[binding.field] = .null
                continue
            }
            guard let target = tables[set] else { throw .segmentNotFound(set) }
            guard case .lookup(let targets) = entity.fields[binding.field].type,
                  targets.contains(target.definition.logicalName) else {
                throw .payload(entity, "The entity set '\(set)' cannot be bound to '\(entity.fields[binding.field].name)'.")
            }
            guard target.record(id: id) != nil else { throw .recordNotFound(target.definition, id.dynamicsString) }
            record[binding.field] = .lookup(DynamicsLookup(id: id, entity: target.definition.logicalName))
        }
        if let full = entity.fieldIndex["fullname"], let first = entity.fieldIndex["firstname"], let last = entity.fieldIndex["lastname"] {
            let parts = [record[first], record[last]].compactMap { value -> String? in
                if case .string(let text) = value, !text.isEmpty { return text }
                return nil
            }
            record[full] = parts.isEmpty ? .null : .string(parts.joined(separator: " "))
        }
    }

    /// Checks rules and unique keys, then stores the row under a new version.
    private mutating func commit(_ record: inout DynamicsRecord, in set: String) throws(DynamicsError) {
        guard let definition = tables[set]?.definition else { throw .segmentNotFound(set) }
        for rule in validationRules {
            if let error = rule.violation(record, definition: definition) { throw error }
        }
        if let conflict = tables[set]?.conflictingKey(for: record) {
            let values = zip(conflict.columns, conflict.values).map { column, value -> String in
                if case .string(let text) = value { return "\(column) = \(text)" }
                return "\(column) = \(DynamicsPagingCookie.encode(value).dropFirst())"
            }.joined(separator: ", ")
            throw DynamicsError(
                .preconditionFailed, code: "0x80060892",
                "A record that has the attribute values \(values) already exists. The entity key \(conflict.name) requires that this set of attributes contains unique values. Select unique values and try again.")
        }
        record.version = nextVersion()
        if let index = definition.versionNumberIndex { record[index] = .integer(Int(record.version)) }
        tables[set]?.store(record)
    }
}
