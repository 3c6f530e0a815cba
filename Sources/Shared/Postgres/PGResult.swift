import CLibPQ

/// Owns one `PGresult` and clears it in `deinit`; turns it into rows or a `PostgresError`.
/// Used only on its connection's queue.
final class PGResult {
    private let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        PQclear(pointer)
    }

    var status: ExecStatusType { PQresultStatus(pointer) }

    var affectedRows: Int {
        guard let text = PQcmdTuples(pointer) else { return 0 }
        return Int(String(cString: text)) ?? 0
    }

    /// Reads every value as text (the bridge never asks for binary results).
    func rows() -> PostgresRows {
        let rowCount = Int(PQntuples(pointer))
        let columnCount = Int(PQnfields(pointer))
        var columns: [String] = []
        columns.reserveCapacity(columnCount)
        for column in 0..<columnCount {
            columns.append(PQfname(pointer, Int32(column)).map { String(cString: $0) } ?? "?column?")
        }
        var values: [String?] = []
        values.reserveCapacity(rowCount * columnCount)
        for row in 0..<Int32(rowCount) {
            for column in 0..<Int32(columnCount) {
                if PQgetisnull(pointer, row, column) != 0 {
                    values.append(nil)
                } else if let start = PQgetvalue(pointer, row, column) {
                    let length = Int(PQgetlength(pointer, row, column))
                    let bytes = UnsafeRawBufferPointer(start: start, count: length)
                    values.append(String(decoding: bytes, as: UTF8.self))
                } else {
                    values.append("")
                }
            }
        }
        return PostgresRows(columns: columns, values: values, affectedRows: affectedRows)
    }

    /// The server's error as a `PostgresError`; `connectionBroken` marks it as lost.
    func error(operation: String, connectionBroken: Bool) -> PostgresError {
        let sqlState = field(diagnosticSQLState)
        let primary = field(diagnosticPrimaryMessage)
            ?? PQresultErrorMessage(pointer).map { String(cString: $0) }
            ?? "unknown error"
        let message = PostgresError.redactedServerMessage(primary, sqlState: sqlState)
        if connectionBroken {
            return PostgresError(code: .connectionLost, sqlState: sqlState, message: message, operation: operation)
        }
        return PostgresError(code: .server, sqlState: sqlState, message: message, operation: operation)
    }

    private func field(_ code: Int32) -> String? {
        guard let text = PQresultErrorField(pointer, code) else { return nil }
        let value = String(cString: text)
        return value.isEmpty ? nil : value
    }
}

private let diagnosticSQLState = Int32(UInt8(ascii: "C"))
private let diagnosticPrimaryMessage = Int32(UInt8(ascii: "M"))
