import Foundation

/// The rows a statement returned, read into Swift strings (text format; `nil` is SQL NULL).
///
/// Indices out of range give `nil` rather than a crash; the typed helpers in
/// `PostgresRows+Typed.swift` throw a `.decoding` error naming what was wrong.
public struct PostgresRows: Sendable, RandomAccessCollection {
    /// Column names in result order.
    public let columns: [String]
    /// Rows affected, for INSERT/UPDATE/DELETE/COPY/SELECT (libpq's `PQcmdTuples`).
    public let affectedRows: Int
    private let values: [String?]
    private let indexByName: [String: Int]

    init(columns: [String], values: [String?], affectedRows: Int) {
        self.columns = columns
        self.values = values
        self.affectedRows = affectedRows
        var indexByName: [String: Int] = [:]
        for (index, name) in columns.enumerated() where indexByName[name] == nil {
            indexByName[name] = index
        }
        self.indexByName = indexByName
    }

    /// A result without rows (a command).
    static func command(affectedRows: Int) -> PostgresRows {
        PostgresRows(columns: [], values: [], affectedRows: affectedRows)
    }

    /// Number of rows.
    public var rowCount: Int { columns.isEmpty ? 0 : values.count / columns.count }

    /// The position of the column named `name` (the first one, if repeated).
    public func columnIndex(_ name: String) -> Int? { indexByName[name] }

    /// The text value at `row`, `column`; `nil` for NULL or an index out of range.
    public subscript(row: Int, column: Int) -> String? {
        guard row >= 0, row < rowCount, column >= 0, column < columns.count else { return nil }
        return values[row * columns.count + column]
    }

    /// The text value at `row` in the column named `column`; `nil` for NULL or unknown.
    public subscript(row: Int, column: String) -> String? {
        guard let index = indexByName[column] else { return nil }
        return self[row, index]
    }

    // MARK: RandomAccessCollection

    public var startIndex: Int { 0 }
    public var endIndex: Int { rowCount }
    public subscript(position: Int) -> PostgresRow { PostgresRow(rows: self, index: position) }
}
