/// One schema change, applied once, in `version` order, inside a transaction.
/// `sql` may hold several statements separated by semicolons.
public struct Migration: Sendable, Hashable {
    public var version: Int
    public var name: String
    public var sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}
