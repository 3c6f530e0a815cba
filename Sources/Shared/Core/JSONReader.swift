/// A strict, non-recursive JSON tokenizer over bytes, just enough for envelopes: objects
/// are walked key by key by the caller, scalars are returned as `FieldValue`s. Every
/// failure is an `EnvelopeError` with the byte offset; no input can make it trap.
package struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var index = 0

    package init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The next significant byte, without consuming it; `nil` at the end.
    package mutating func peek() -> UInt8? {
        skipWhitespace()
        return index < bytes.count ? bytes[index] : nil
    }

    var isAtEnd: Bool { index >= bytes.count }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    package mutating func consume(_ byte: UInt8) throws(EnvelopeError) {
        guard let next = peek() else {
            throw unexpectedEnd(expecting: "'\(Character(Unicode.Scalar(byte)))'")
        }
        guard next == byte else {
            throw unexpected(expecting: "'\(Character(Unicode.Scalar(byte)))'")
        }
        index += 1
    }

    /// Consumes `byte` when it is next.
    package mutating func consumeIf(_ byte: UInt8) -> Bool {
        if peek() == byte {
            index += 1
            return true
        }
        return false
    }

    /// What JSON type starts at the next byte, for "found an array" messages.
    mutating func nextKindName() -> String {
        switch peek() {
        case UInt8(ascii: "{"): "an object"
        case UInt8(ascii: "["): "an array"
        case UInt8(ascii: "\""): "a string"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): "a boolean"
        case UInt8(ascii: "n"): "null"
        case nil: "nothing"
        default: "a number"
        }
    }

    /// A scalar value: null, true, false, a number or a string.
    package mutating func readScalar() throws(EnvelopeError) -> FieldValue {
        guard let next = peek() else {
            throw unexpectedEnd(expecting: "a value")
        }
        switch next {
        case UInt8(ascii: "\""):
            return .string(try readString())
        case UInt8(ascii: "n"):
            try keyword("null")
            return .null
        case UInt8(ascii: "t"):
            try keyword("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try keyword("false")
            return .bool(false)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try readNumber())
        default:
            throw unexpected(expecting: "a value")
        }
    }

    mutating func readNumber() throws(EnvelopeError) -> JSONNumber {
        skipWhitespace()
        guard let length = JSONNumber.numberLength(bytes, from: index) else {
            throw EnvelopeError(.notJSON, "not JSON: malformed number at byte \(index)")
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<index + length]), as: UTF8.self)
        index += length
        return JSONNumber(unchecked: text)
    }

    package mutating func readString() throws(EnvelopeError) -> String {
        try consume(UInt8(ascii: "\""))
        let start = index
        var isASCII = true
        // Fast path: no escapes, one validated copy.
        while index < bytes.count {
            let byte = bytes[index]
            isASCII = isASCII && byte < 0x80
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                // ASCII needs no validation, and `String(decoding:)` is specialised where
                // `String(validating:)` looked up generic metadata on every call (a
                // writer decodes a dozen strings per message).
                if isASCII { return String(decoding: slice, as: UTF8.self) }
                guard let string = String(validating: slice, as: UTF8.self) else {
                    throw EnvelopeError(.notJSON, "not JSON: invalid UTF-8 in the string at byte \(start)")
                }
                return string
            }
            if byte == UInt8(ascii: "\\") {
                break
            }
            if byte < 0x20 {
                throw EnvelopeError(.notJSON, "not JSON: control character in a string at byte \(index)")
            }
            index += 1
        }
        if index >= bytes.count {
            throw unexpectedEnd(expecting: "the end of a string")
        }
        return try readEscapedString(from: start)
    }

    private mutating func readEscapedString(from start: Int) throws(EnvelopeError) -> String {
        var scratch = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                guard let string = String(validating: scratch, as: UTF8.self) else {
                    throw EnvelopeError(.notJSON, "not JSON: invalid UTF-8 in the string at byte \(start)")
                }
                return string
            case UInt8(ascii: "\\"):
                index += 1
                try readEscape(into: &scratch)
            case 0..<0x20:
                throw EnvelopeError(.notJSON, "not JSON: control character in a string at byte \(index)")
            default:
                scratch.append(byte)
                index += 1
            }
        }
        throw unexpectedEnd(expecting: "the end of a string")
    }

    private mutating func readEscape(into scratch: inout [UInt8]) throws(EnvelopeError) {
        guard index < bytes.count else {
            throw unexpectedEnd(expecting: "an escape")
        }
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(escape)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800...0xDBFF).contains(scalar) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                      bytes[index + 1] == UInt8(ascii: "u") else {
                    throw EnvelopeError(.notJSON, "not JSON: unpaired surrogate \\u escape at byte \(index)")
                }
                index += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw EnvelopeError(.notJSON, "not JSON: unpaired surrogate \\u escape at byte \(index)")
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw EnvelopeError(.notJSON, "not JSON: unpaired surrogate \\u escape at byte \(index)")
            }
            guard let unicode = Unicode.Scalar(scalar), let encoded = UTF8.encode(unicode) else {
                throw EnvelopeError(.notJSON, "not JSON: invalid \\u escape at byte \(index)")
            }
            scratch.append(contentsOf: encoded)
        default:
            throw EnvelopeError(.notJSON, "not JSON: invalid escape at byte \(index - 1)")
        }
    }

    private mutating func hex4() throws(EnvelopeError) -> UInt32 {
        guard index + 4 <= bytes.count else {
            throw unexpectedEnd(expecting: "4 hex digits")
        }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default:
                throw EnvelopeError(.notJSON, "not JSON: expected a hex digit at byte \(index)")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    private mutating func keyword(_ word: StaticString) throws(EnvelopeError) {
        let length = word.utf8CodeUnitCount
        guard index + length <= bytes.count else {
            throw unexpectedEnd(expecting: "\(word)")
        }
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: length)
        for offset in 0..<length where bytes[index + offset] != expected[offset] {
            throw EnvelopeError(.notJSON, "not JSON: unexpected byte at \(index + offset)")
        }
        index += length
    }

    func unexpectedEnd(expecting what: String) -> EnvelopeError {
        EnvelopeError(.notJSON, "not JSON: unexpected end of input at byte \(bytes.count), expected \(what)")
    }

    package mutating func unexpected(expecting what: String) -> EnvelopeError {
        let found = index < bytes.count ? bytes[index] : 0
        let shown = found >= 0x21 && found < 0x7F
            ? "'\(Character(Unicode.Scalar(found)))'" : "byte 0x" + String(found, radix: 16)
        return EnvelopeError(.notJSON, "not JSON: unexpected \(shown) at byte \(index), expected \(what)")
    }
}
