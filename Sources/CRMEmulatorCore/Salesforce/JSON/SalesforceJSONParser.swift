/// A small strict JSON parser for request bodies. Errors name the line and
/// column, in the style of the platform's `JSON_PARSER_ERROR` messages.
struct SalesforceJSONParser {
    struct Failure: Error, Sendable {
        let message: String
    }

    private let bytes: [UInt8]
    private var position = 0
    private var depth = 0
    private static let maximumDepth = 64

    static func parse(_ bytes: [UInt8]) throws(Failure) -> SalesforceJSONValue {
        var parser = SalesforceJSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.value()
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.unexpected("expected end of input") }
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private var location: String {
        var line = 1
        var column = 1
        for byte in bytes[0..<min(position, bytes.count)] {
            if byte == 0x0A { line += 1; column = 1 } else { column += 1 }
        }
        return "[line:\(line), column:\(column)]"
    }

    private func unexpected(_ expectation: String) -> Failure {
        guard position < bytes.count else { return Failure(message: "Unexpected end-of-input: \(expectation) at \(location)") }
        let byte = bytes[position]
        let shown = byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : "?"
        return Failure(message: "Unexpected character ('\(shown)' (code \(byte))): \(expectation) at \(location)")
    }

    private mutating func skipWhitespace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    private mutating func value() throws(Failure) -> SalesforceJSONValue {
        guard position < bytes.count else { throw unexpected("expected a value") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return try number()
        }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let expected = word.withUTF8Buffer { Array($0) }
        guard bytes.count - position >= expected.count, Array(bytes[position..<position + expected.count]) == expected else {
            throw unexpected("expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')")
        }
        position += expected.count
    }

    private mutating func nested<T>(_ body: (inout Self) throws(Failure) -> T) throws(Failure) -> T {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else { throw Failure(message: "Maximum nesting depth exceeded at \(location)") }
        return try body(&self)
    }

    private mutating func object() throws(Failure) -> SalesforceJSONValue {
        try nested { parser throws(Failure) in
            parser.position += 1
            var members: [(key: String, value: SalesforceJSONValue)] = []
            parser.skipWhitespace()
            if parser.position < parser.bytes.count, parser.bytes[parser.position] == UInt8(ascii: "}") {
                parser.position += 1
                return .object(members)
            }
            while true {
                parser.skipWhitespace()
                guard parser.position < parser.bytes.count, parser.bytes[parser.position] == UInt8(ascii: "\"") else {
                    throw parser.unexpected("was expecting double-quote to start field name")
                }
                let key = try parser.string()
                parser.skipWhitespace()
                guard parser.position < parser.bytes.count, parser.bytes[parser.position] == UInt8(ascii: ":") else {
                    throw parser.unexpected("was expecting a colon to separate field name and value")
                }
                parser.position += 1
                parser.skipWhitespace()
                members.append((key, try parser.value()))
                parser.skipWhitespace()
                guard parser.position < parser.bytes.count else { throw parser.unexpected("expected close marker for OBJECT") }
                if parser.bytes[parser.position] == UInt8(ascii: ",") { parser.position += 1; continue }
                if parser.bytes[parser.position] == UInt8(ascii: "}") { parser.position += 1; return .object(members) }
                throw parser.unexpected("was expecting comma to separate Object entries")
            }
        }
    }

    private mutating func array() throws(Failure) -> SalesforceJSONValue {
        try nested { parser throws(Failure) in
            parser.position += 1
            var elements: [SalesforceJSONValue] = []
            parser.skipWhitespace()
            if parser.position < parser.bytes.count, parser.bytes[parser.position] == UInt8(ascii: "]") {
                parser.position += 1
                return .array(elements)
            }
            while true {
                parser.skipWhitespace()
                elements.append(try parser.value())
                parser.skipWhitespace()
                guard parser.position < parser.bytes.count else { throw parser.unexpected("expected close marker for ARRAY") }
                if parser.bytes[parser.position] == UInt8(ascii: ",") { parser.position += 1; continue }
                if parser.bytes[parser.position] == UInt8(ascii: "]") { parser.position += 1; return .array(elements) }
                throw parser.unexpected("was expecting comma to separate Array entries")
            }
        }
    }

    private mutating func string() throws(Failure) -> String {
        position += 1
        var result: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: result, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { throw unexpected("expected escaped character") }
                let escaped = bytes[position]
                position += 1
                switch escaped {
                case UInt8(ascii: "n"): result.append(0x0A)
                case UInt8(ascii: "r"): result.append(0x0D)
                case UInt8(ascii: "t"): result.append(0x09)
                case UInt8(ascii: "b"): result.append(0x08)
                case UInt8(ascii: "f"): result.append(0x0C)
                case UInt8(ascii: "u"): result += try unicodeEscape()
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): result.append(escaped)
                default:
                    position -= 1
                    throw unexpected("Unrecognized character escape")
                }
            case 0..<0x20:
                position -= 1
                throw unexpected("Illegal unquoted character; has to be escaped using backslash to be included in string value")
            default:
                result.append(byte)
            }
        }
        throw unexpected("was expecting closing quote for a string value")
    }

    private mutating func hexQuad() throws(Failure) -> UInt32 {
        guard bytes.count - position >= 4, let code = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16) else {
            throw unexpected("expected a hex-digit for character escape sequence")
        }
        position += 4
        return code
    }

    private mutating func unicodeEscape() throws(Failure) -> [UInt8] {
        var code = try hexQuad()
        if (0xD800..<0xDC00).contains(code), bytes.count - position >= 6,
           bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") {
            position += 2
            let low = try hexQuad()
            guard (0xDC00..<0xE000).contains(low) else { throw unexpected("invalid surrogate pair") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(code) else { throw unexpected("invalid Unicode escape") }
        return Array(String(Character(scalar)).utf8)
    }

    private mutating func number() throws(Failure) -> SalesforceJSONValue {
        let start = position
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
        var isInteger = true
        while position < bytes.count {
            let byte = bytes[position]
            if byte >= 48 && byte <= 57 {
                position += 1
            } else if [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+"), UInt8(ascii: "-")].contains(byte) {
                isInteger = false
                position += 1
            } else {
                break
            }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard position > start, let number = Double(text) else {
            position = start
            throw unexpected("expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')")
        }
        return .number(number, isInteger: isInteger)
    }
}
