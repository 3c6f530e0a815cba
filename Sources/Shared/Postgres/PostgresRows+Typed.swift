import Foundation

/// Typed reads of text-format values. Each returns `nil` for SQL NULL and throws a
/// `.decoding` error for an unknown column, a row out of range or text of another type.
extension PostgresRows {
    public func string(_ row: Int, _ column: String) throws -> String? {
        try text(row, column)
    }

    public func int(_ row: Int, _ column: String) throws -> Int? {
        try decode(row, column, as: "integer") { Int($0) }
    }

    public func int64(_ row: Int, _ column: String) throws -> Int64? {
        try decode(row, column, as: "bigint") { Int64($0) }
    }

    public func double(_ row: Int, _ column: String) throws -> Double? {
        try decode(row, column, as: "double precision") { Double($0) }
    }

    /// Reads `t`/`f` (the server's output) and `true`/`false`.
    public func bool(_ row: Int, _ column: String) throws -> Bool? {
        try decode(row, column, as: "boolean") { text in
            switch text {
            case "t", "true": return true
            case "f", "false": return false
            default: return nil
            }
        }
    }

    /// Reads `timestamptz` (and `timestamp`, taken as UTC) text in ISO style, as the
    /// bridge's sessions print it: `2026-01-02 03:04:05.123456+00`.
    public func date(_ row: Int, _ column: String) throws -> Date? {
        try decode(row, column, as: "timestamptz") { PostgresTimestamp.parse($0) }
    }

    private func text(_ row: Int, _ column: String) throws -> String? {
        guard let index = columnIndex(column) else {
            throw PostgresError.decoding("the result has no column named \"\(column)\"")
        }
        guard row >= 0, row < rowCount else {
            throw PostgresError.decoding("row \(row) is out of range (the result has \(rowCount) rows)")
        }
        return self[row, index]
    }

    private func decode<T>(
        _ row: Int, _ column: String, as typeName: String, _ convert: (String) -> T?
    ) throws -> T? {
        guard let text = try text(row, column) else { return nil }
        guard let value = convert(text) else {
            throw PostgresError.decoding("column \"\(column)\" row \(row) is not a valid \(typeName)")
        }
        return value
    }
}
