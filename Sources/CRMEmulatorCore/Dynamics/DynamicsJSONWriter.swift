import Foundation
import NIOCore

/// Hand-written JSON into a `ByteBuffer`: the hot path of a 5000-row page, so no
/// `JSONEncoder`, no intermediate `String`s for GUIDs, numbers or dates.
struct DynamicsJSONWriter {
    var buffer: ByteBuffer
    private var scratch: [UInt8] = []

    init(capacity: Int) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
        scratch.reserveCapacity(40)
    }

    @inline(__always) mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { _ = buffer.writeBytes($0) }
    }

    @inline(__always) mutating func bytes(_ bytes: [UInt8]) {
        buffer.writeBytes(bytes)
    }

    @inline(__always) mutating func byte(_ byte: UInt8) {
        buffer.writeInteger(byte)
    }

    /// A JSON string literal, escaped (backspace and form feed as `\u0008`, `\u000c`).
    mutating func string(_ text: String) {
        JSONStringEscaper.write(text, to: &buffer, backspaceAndFormFeed: .unicodeEscapes)
    }

    /// A string written without escaping (callers pass only safe ASCII).
    mutating func plainString(_ text: String) {
        byte(0x22)
        buffer.writeString(text)
        byte(0x22)
    }

    static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// A GUID, lowercase, without quotes.
    mutating func uuidBody(_ uuid: UUID) {
        withUnsafeBytes(of: uuid.uuid) { raw in
            _ = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 36) { out in
                var o = 0
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        out[o] = UInt8(ascii: "-")
                        o += 1
                    }
                    out[o] = Self.hex[Int(raw[index] >> 4)]
                    out[o + 1] = Self.hex[Int(raw[index] & 0xF)]
                    o += 2
                }
                return 36
            }
        }
    }

    mutating func uuid(_ uuid: UUID) {
        byte(0x22)
        uuidBody(uuid)
        byte(0x22)
    }

    mutating func integer<T: BinaryInteger>(_ value: T) {
        if value == 0 {
            byte(UInt8(ascii: "0"))
            return
        }
        var magnitude = value.magnitude
        scratch.removeAll(keepingCapacity: true)
        while magnitude > 0 {
            scratch.append(UInt8(48 + Int(magnitude % 10)))
            magnitude /= 10
        }
        if value < 0 { byte(UInt8(ascii: "-")) }
        for byte in scratch.reversed() { self.byte(byte) }
    }

    mutating func decimal(_ value: Double) {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            integer(Int64(value))
        } else if value.isFinite {
            buffer.writeString("\(value)")
        } else {
            raw("null")
        }
    }

    mutating func dateTime(_ milliseconds: Int64) {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(0x22)
        DynamicsDateTime.appendDateTime(milliseconds, to: &scratch)
        scratch.append(0x22)
        buffer.writeBytes(scratch)
    }

    mutating func date(_ days: Int32) {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(0x22)
        DynamicsDateTime.appendDate(Int(days), to: &scratch)
        scratch.append(0x22)
        buffer.writeBytes(scratch)
    }

    /// One stored value in its wire form.
    mutating func value(_ value: DynamicsValue) {
        switch value {
        case .null: raw("null")
        case .string(let text): string(text)
        case .integer(let number): integer(number)
        case .decimal(let number): decimal(number)
        case .boolean(let flag): flag ? raw("true") : raw("false")
        case .guid(let id): uuid(id)
        case .dateTime(let ms): dateTime(ms)
        case .date(let days): date(days)
        case .lookup(let lookup): uuid(lookup.id)
        }
    }

    /// `"name":` with the name escaped once, for reuse on every row.
    static func key(_ name: String) -> [UInt8] {
        var writer = DynamicsJSONWriter(capacity: name.utf8.count + 3)
        writer.string(name)
        writer.byte(UInt8(ascii: ":"))
        return Array(writer.buffer.readableBytesView)
    }
}
