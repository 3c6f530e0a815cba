/// One row to delete: its key values (in `keyColumns` order) and the version of the delete.
public struct BatchDeletion: Sendable, Hashable {
    public var key: [String]
    public var version: String

    public init(key: [String], version: String) {
        self.key = key
        self.version = version
    }
}
