/// Encoders for the two text formats the batch paths send: array literals
/// (`{"a","b\"c",NULL}`) for the unnest path and COPY text rows for the COPY path.
/// A value holding a NUL byte is refused (PostgreSQL text cannot store it).
enum PostgresTextEncoding {
    /// One text-array literal: every element double-quoted with `"` and `\` escaped,
    /// NULL unquoted, so empty strings, the word NULL, commas and braces all survive.
    static func arrayLiteral<C: Collection>(_ values: C, column: String) throws -> String
    where C.Element == String? {
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        bytes.reserveCapacity(values.count * 16 + 2)
        var row = 0
        for value in values {
            if row > 0 { bytes.append(UInt8(ascii: ",")) }
            if var value {
                bytes.append(UInt8(ascii: "\""))
                let clean = value.withUTF8 { utf8 -> Bool in
                    for byte in utf8 {
                        switch byte {
                        case 0: return false
                        case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                            bytes.append(UInt8(ascii: "\\"))
                            bytes.append(byte)
                        default:
                            bytes.append(byte)
                        }
                    }
                    return true
                }
                guard clean else { throw nulError(row: row, column: column) }
                bytes.append(UInt8(ascii: "\""))
            } else {
                bytes.append(contentsOf: "NULL".utf8)
            }
            row += 1
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// COPY text format: tab-separated fields, `\N` for NULL, backslash, tab, newline and
    /// carriage return escaped; the row's position is appended as a last field. Returned
    /// in chunks of about `chunkSize` bytes for `PQputCopyData`.
    static func copyRows(
        _ rows: [[String?]], columns: [String], chunkSize: Int = 1 << 20
    ) throws -> [[UInt8]] {
        var chunks: [[UInt8]] = []
        var buffer: [UInt8] = []
        buffer.reserveCapacity(chunkSize + 4096)
        for (rowIndex, row) in rows.enumerated() {
            for (columnIndex, value) in row.enumerated() {
                if var value {
                    let clean = value.withUTF8 { utf8 -> Bool in
                        for byte in utf8 {
                            switch byte {
                            case 0: return false
                            case UInt8(ascii: "\\"): buffer.append(contentsOf: [92, 92])
                            case UInt8(ascii: "\t"): buffer.append(contentsOf: [92, UInt8(ascii: "t")])
                            case UInt8(ascii: "\n"): buffer.append(contentsOf: [92, UInt8(ascii: "n")])
                            case UInt8(ascii: "\r"): buffer.append(contentsOf: [92, UInt8(ascii: "r")])
                            default: buffer.append(byte)
                            }
                        }
                        return true
                    }
                    guard clean else { throw nulError(row: rowIndex, column: columns[columnIndex]) }
                } else {
                    buffer.append(contentsOf: [92, UInt8(ascii: "N")])
                }
                buffer.append(UInt8(ascii: "\t"))
            }
            buffer.append(contentsOf: String(rowIndex + 1).utf8)
            buffer.append(UInt8(ascii: "\n"))
            if buffer.count >= chunkSize {
                chunks.append(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        if !buffer.isEmpty { chunks.append(buffer) }
        return chunks
    }

    private static func nulError(row: Int, column: String) -> PostgresError {
        PostgresError.invalidArgument(
            "row \(row) column \"\(column)\" contains a NUL byte, which PostgreSQL text cannot hold",
            operation: "batch encode")
    }
}
