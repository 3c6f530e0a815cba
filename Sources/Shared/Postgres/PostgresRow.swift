import Foundation

/// One row of a `PostgresRows`.
public struct PostgresRow: Sendable {
    public let rows: PostgresRows
    public let index: Int

    public subscript(column: Int) -> String? { rows[index, column] }
    public subscript(column: String) -> String? { rows[index, column] }

    public func int(_ column: String) throws -> Int? { try rows.int(index, column) }
    public func int64(_ column: String) throws -> Int64? { try rows.int64(index, column) }
    public func bool(_ column: String) throws -> Bool? { try rows.bool(index, column) }
    public func double(_ column: String) throws -> Double? { try rows.double(index, column) }
    public func date(_ column: String) throws -> Date? { try rows.date(index, column) }
}
