/// The rows of one object in insertion order, with an id index and one index
/// per unique field (live rows only: a deleted row frees its external id).
struct SalesforceTable: Sendable {
    let schema: SalesforceObjectSchema
    private(set) var records: [SalesforceRecord] = []
    private var positions: [String: Int] = [:]
    /// One index per unique field, in `uniqueFields` order.
    private var uniqueIndexes: [[String: Int]]
    private let uniqueFields: [Int]
    private(set) var deletedCount = 0

    init(schema: SalesforceObjectSchema) {
        self.schema = schema
        uniqueFields = schema.uniqueFieldIndices
        uniqueIndexes = Array(repeating: [:], count: uniqueFields.count)
    }

    var liveCount: Int { records.count - deletedCount }

    func position(of id: String) -> Int? { positions[id] }

    func record(id: String) -> SalesforceRecord? {
        positions[id].map { records[$0] }
    }

    /// The live row holding `value` in the unique field at `fieldIndex`.
    func position(uniqueField fieldIndex: Int, value: SalesforceValue) -> Int? {
        guard let key = Self.uniqueKey(value), let slot = uniqueFields.firstIndex(of: fieldIndex) else { return nil }
        return uniqueIndexes[slot][key]
    }

    mutating func insert(_ record: SalesforceRecord) {
        let position = records.count
        records.append(record)
        positions[record.id] = position
        if record.isDeleted { deletedCount += 1 } else { index(record, at: position) }
    }

    mutating func replace(at position: Int, with record: SalesforceRecord) {
        let old = records[position]
        if !old.isDeleted { unindex(old) }
        if old.isDeleted != record.isDeleted { deletedCount += record.isDeleted ? 1 : -1 }
        records[position] = record
        if !record.isDeleted { index(record, at: position) }
    }

    // Iterates `uniqueFields` (a separate array), never `uniqueIndexes` itself:
    // holding a view of the storage being mutated would copy it on every write.
    private mutating func index(_ record: SalesforceRecord, at position: Int) {
        for (slot, fieldIndex) in uniqueFields.enumerated() {
            if let key = Self.uniqueKey(record[fieldIndex]) { uniqueIndexes[slot][key] = position }
        }
    }

    private mutating func unindex(_ record: SalesforceRecord) {
        for (slot, fieldIndex) in uniqueFields.enumerated() {
            if let key = Self.uniqueKey(record[fieldIndex]) { uniqueIndexes[slot][key] = nil }
        }
    }

    /// Unique text fields compare case-insensitively, as Salesforce's default
    /// "unique, case-insensitive" external ids do.
    private static func uniqueKey(_ value: SalesforceValue) -> String? {
        switch value {
        case .null: nil
        case .string(let text): text.lowercased()
        default: "\(value)"
        }
    }
}
