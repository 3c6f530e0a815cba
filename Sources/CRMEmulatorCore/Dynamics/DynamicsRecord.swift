import Foundation

/// One stored row: its id, its row version (the organisation-wide change counter at its
/// last write, also its `@odata.etag`) and one value per column of its table.
struct DynamicsRecord: Sendable {
    var id: UUID
    var version: Int64
    var values: [DynamicsValue]

    subscript(index: Int) -> DynamicsValue {
        get { values[index] }
        set { values[index] = newValue }
    }
}

/// A deleted row kept for change tracking until the retention window passes.
struct DynamicsTombstone: Sendable {
    var id: UUID
    var version: Int64
    var deletedAt: Int64
}

/// One `$orderby` key.
struct DynamicsSortKey: Sendable, Hashable {
    var field: Int
    var descending: Bool
}
