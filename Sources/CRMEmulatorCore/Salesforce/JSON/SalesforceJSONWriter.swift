import CoreValues
import Hummingbird

/// Hand-written JSON into a `ByteBuffer`: the query hot path serves pages of
/// 2000 records, so no `JSONEncoder`, no intermediate dictionaries.
struct SalesforceJSONWriter {
    private(set) var buffer: ByteBuffer

    init(capacity: Int) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    var string: String { String(buffer: buffer) }

    @inline(__always)
    mutating func raw(_ text: StaticString) {
        buffer.writeStaticString(text)
    }

    @inline(__always)
    mutating func raw(bytes: [UInt8]) {
        buffer.writeBytes(bytes)
    }

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        buffer.writeInteger(value)
    }

    /// Text that needs no escaping (ids, field names, ASCII the emulator chose).
    mutating func unescaped(_ text: String) {
        buffer.writeString(text)
    }

    mutating func integer<T: BinaryInteger>(_ value: T) {
        buffer.writeString(String(value))
    }

    mutating func double(_ value: Double) {
        if value.isFinite {
            buffer.writeString(String(value))
        } else {
            raw("null")
        }
    }

    mutating func boolean(_ value: Bool) {
        if value { raw("true") } else { raw("false") }
    }

    /// A JSON string: quotes, backslashes and control characters escaped
    /// (`\b` and `\f` in their short forms).
    mutating func string(_ text: String) {
        JSONStringEscaper.write(text, to: &buffer, backspaceAndFormFeed: .shortEscapes)
    }

    /// `"2013-05-20T20:49:32.000+0000"` with the quotes.
    mutating func dateTime(_ milliseconds: Int64) {
        byte(UInt8(ascii: "\""))
        writeDateTimeDigits(milliseconds)
        byte(UInt8(ascii: "\""))
    }

    /// `"2013-05-20"` with the quotes.
    mutating func date(_ days: Int) {
        byte(UInt8(ascii: "\""))
        writeDateDigits(days)
        byte(UInt8(ascii: "\""))
    }

    mutating func value(_ value: SalesforceValue) {
        switch value {
        case .null: raw("null")
        case .string(let text): string(text)
        case .boolean(let flag): boolean(flag)
        case .integer(let number): integer(number)
        case .double(let number): double(number)
        case .date(let days): date(days)
        case .dateTime(let milliseconds): dateTime(milliseconds)
        }
    }

    /// `2013-05-20T20:49:32.000+0000`, written in place (28 bytes).
    mutating func writeDateTimeDigits(_ milliseconds: Int64) {
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 28) { target in
            let days = CivilCalendar.days(of: milliseconds)
            let within = CivilCalendar.millisecondOfDay(milliseconds)
            var cursor = Self.putDate(days, into: target, at: 0)
            target[cursor] = UInt8(ascii: "T")
            cursor = Self.put(within / 3_600_000, digits: 2, into: target, at: cursor + 1)
            target[cursor] = UInt8(ascii: ":")
            cursor = Self.put(within / 60_000 % 60, digits: 2, into: target, at: cursor + 1)
            target[cursor] = UInt8(ascii: ":")
            cursor = Self.put(within / 1000 % 60, digits: 2, into: target, at: cursor + 1)
            target[cursor] = UInt8(ascii: ".")
            cursor = Self.put(within % 1000, digits: 3, into: target, at: cursor + 1)
            for byte in "+0000".utf8 {
                target[cursor] = byte
                cursor += 1
            }
            return cursor
        }
    }

    /// `2013-05-20`, written in place (10 bytes).
    mutating func writeDateDigits(_ days: Int) {
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 10) { target in
            Self.putDate(days, into: target, at: 0)
        }
    }

    private static func putDate(_ days: Int, into target: UnsafeMutableRawBufferPointer, at start: Int) -> Int {
        let (year, month, day) = CivilCalendar.civil(days: days)
        var cursor = put(year, digits: 4, into: target, at: start)
        target[cursor] = UInt8(ascii: "-")
        cursor = put(month, digits: 2, into: target, at: cursor + 1)
        target[cursor] = UInt8(ascii: "-")
        return put(day, digits: 2, into: target, at: cursor + 1)
    }

    /// Writes `value` as exactly `digits` decimal digits; returns the index after them.
    @inline(__always)
    private static func put(_ value: Int, digits: Int, into target: UnsafeMutableRawBufferPointer, at start: Int) -> Int {
        var rest = max(0, value)
        var index = start + digits - 1
        while index >= start {
            target[index] = UInt8(48 + rest % 10)
            rest /= 10
            index -= 1
        }
        return start + digits
    }
}
