/// Hand-written JSON encoding: the reader roles encode 100k+ envelopes a second, so this
/// avoids `JSONEncoder` and writes bytes directly. Keys of `fields` are written sorted,
/// so the same record always gives the same bytes.
extension Envelope {
    /// The envelope as JSON bytes.
    public func encoded() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(160 + fields.count * 40)
        encode(into: &buffer)
        return buffer
    }

    /// Appends the envelope as JSON to `buffer` (reuse one buffer to avoid allocations).
    public func encode(into buffer: inout [UInt8]) {
        buffer.append(contentsOf: #"{"schema":"#.utf8)
        buffer.append(contentsOf: String(schema).utf8)
        buffer.append(contentsOf: #","op":""#.utf8)
        buffer.append(contentsOf: op.rawValue.utf8)
        buffer.append(contentsOf: #"","system":""#.utf8)
        buffer.append(contentsOf: system.rawValue.utf8)
        buffer.append(contentsOf: #"","entity":"#.utf8)
        JSONStringWriter.append(entity, to: &buffer)
        buffer.append(contentsOf: #","id":"#.utf8)
        JSONStringWriter.append(id, to: &buffer)
        buffer.append(contentsOf: #","modifiedAt":""#.utf8)
        DateTimeText.appendRFC3339(modifiedAt, to: &buffer)
        buffer.append(contentsOf: #"","fields":{"#.utf8)
        var first = true
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
            if !first {
                buffer.append(UInt8(ascii: ","))
            }
            first = false
            JSONStringWriter.append(key, to: &buffer)
            buffer.append(UInt8(ascii: ":"))
            append(value, to: &buffer)
        }
        buffer.append(contentsOf: "}}".utf8)
    }

    private func append(_ value: FieldValue, to buffer: inout [UInt8]) {
        switch value {
        case .null:
            buffer.append(contentsOf: "null".utf8)
        case .bool(let flag):
            buffer.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number):
            buffer.append(contentsOf: number.text.utf8)
        case .string(let string):
            JSONStringWriter.append(string, to: &buffer)
        }
    }
}

/// Writes a Swift string as a quoted JSON string with the escapes JSON requires.
enum JSONStringWriter {
    static func append(_ string: String, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        let done: Void? = string.utf8.withContiguousStorageIfAvailable { bytes in
            appendEscaped(bytes, to: &buffer)
        }
        if done == nil {
            let bytes = Array(string.utf8)
            bytes.withUnsafeBufferPointer { appendEscaped($0, to: &buffer) }
        }
        buffer.append(UInt8(ascii: "\""))
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    private static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
        var runStart = 0
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            if index > runStart {
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            }
            buffer.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""): buffer.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\"))
            case 0x0A: buffer.append(UInt8(ascii: "n"))
            case 0x0D: buffer.append(UInt8(ascii: "r"))
            case 0x09: buffer.append(UInt8(ascii: "t"))
            case 0x08: buffer.append(UInt8(ascii: "b"))
            case 0x0C: buffer.append(UInt8(ascii: "f"))
            default:
                buffer.append(contentsOf: "u00".utf8)
                buffer.append(hex[Int(byte >> 4)])
                buffer.append(hex[Int(byte & 0x0F)])
            }
            index += 1
            runStart = index
        }
        if count > runStart {
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<count]))
        }
    }
}
