/// The rows of one object in insertion order, with an id index and one index
/// per unique field (live rows only: a deleted row frees its external id).
struct SalesforceTable: Sendable {
    let schema: SalesforceObjectSchema
    private(set) var records: [SalesforceRecord] = []
    private var positions: [String: Int] = [:]
    private var uniqueIndexes: [Int: [String: Int]] = [:]
    private(set) var deletedCount = 0

    init(schema: SalesforceObjectSchema) {
        self.schema = schema
        for index in schema.uniqueFieldIndices { uniqueIndexes[index] = [:] }
    }

    var liveCount: Int { records.count - deletedCount }

    func position(of id: String) -> Int? { positions[id] }

    func record(id: String) -> SalesforceRecord? {
        positions[id].map { records[$0] }
    }

    /// The live row holding `value` in the unique field at `fieldIndex`.
    func position(uniqueField fieldIndex: Int, value: SalesforceValue) -> Int? {
        guard let key = Self.uniqueKey(value) else { return nil }
        return uniqueIndexes[fieldIndex]?[key]
    }

    /// Live rows holding `value` in any field (for non-unique external ids).
    func positions(field fieldIndex: Int, value: SalesforceValue) -> [Int] {
        records.indices.filter { !records[$0].isDeleted && records[$0][fieldIndex] == value }
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

    private mutating func index(_ record: SalesforceRecord, at position: Int) {
        for fieldIndex in uniqueIndexes.keys {
            if let key = Self.uniqueKey(record[fieldIndex]) { uniqueIndexes[fieldIndex]?[key] = position }
        }
    }

    private mutating func unindex(_ record: SalesforceRecord) {
        for fieldIndex in uniqueIndexes.keys {
            if let key = Self.uniqueKey(record[fieldIndex]) { uniqueIndexes[fieldIndex]?[key] = nil }
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
