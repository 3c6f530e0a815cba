/// One SOQL token and where it starts (a UTF-8 offset, for error messages).
struct SOQLToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// Keywords, field and object names, `true`/`false`/`null`, date literal names.
        case word(String)
        /// The raw body between the quotes, escapes validated but not decoded.
        case string(String)
        case number(String)
        case dateTime(Int64)
        case date(Int)
        case comparison(String)
        case comma, leftParenthesis, rightParenthesis, colon
        case end
    }

    let kind: Kind
    let offset: Int
    let text: String

    /// The word uppercased, for keyword tests.
    var keyword: String? {
        if case .word(let word) = kind { return word.uppercased() }
        return nil
    }
}

/// Splits a SOQL statement into tokens.
struct SOQLLexer {
    private let query: String
    private let bytes: [UInt8]
    private var position = 0

    init(_ query: String) {
        self.query = query
        bytes = Array(query.utf8)
    }

    static func tokens(of query: String) throws(SOQLError) -> [SOQLToken] {
        var lexer = SOQLLexer(query)
        var tokens: [SOQLToken] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private mutating func next() throws(SOQLError) -> SOQLToken {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
        let start = position
        guard position < bytes.count else { return SOQLToken(kind: .end, offset: start, text: "<EOF>") }
        let byte = bytes[position]
        switch byte {
        case UInt8(ascii: ","): return single(.comma)
        case UInt8(ascii: "("): return single(.leftParenthesis)
        case UInt8(ascii: ")"): return single(.rightParenthesis)
        case UInt8(ascii: ":"): return single(.colon)
        case UInt8(ascii: "'"): return try stringLiteral()
        case UInt8(ascii: "="), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "!"): return try comparison()
        default: break
        }
        if Self.isDigit(byte) || ((byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+"))
            && position + 1 < bytes.count && Self.isDigit(bytes[position + 1])) {
            return try numberOrDate()
        }
        if Self.isWordStart(byte) {
            while position < bytes.count, Self.isWordPart(bytes[position]) { position += 1 }
            let word = text(from: start)
            return SOQLToken(kind: .word(word), offset: start, text: word)
        }
        throw .malformed("unexpected token: '\(String(decoding: [byte], as: UTF8.self))'", at: start, in: query)
    }

    private mutating func single(_ kind: SOQLToken.Kind) -> SOQLToken {
        position += 1
        return SOQLToken(kind: kind, offset: position - 1, text: text(from: position - 1))
    }

    private mutating func comparison() throws(SOQLError) -> SOQLToken {
        let start = position
        let first = bytes[position]
        position += 1
        let second = position < bytes.count ? bytes[position] : 0
        if (first == UInt8(ascii: "<") && (second == UInt8(ascii: "=") || second == UInt8(ascii: ">")))
            || (first == UInt8(ascii: ">") && second == UInt8(ascii: "="))
            || (first == UInt8(ascii: "!") && second == UInt8(ascii: "=")) {
            position += 1
        } else if first == UInt8(ascii: "!") {
            throw .malformed("unexpected token: '!'", at: start, in: query)
        }
        let op = text(from: start)
        return SOQLToken(kind: .comparison(op == "<>" ? "!=" : op), offset: start, text: op)
    }

    private mutating func stringLiteral() throws(SOQLError) -> SOQLToken {
        let start = position
        position += 1
        let bodyStart = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\\") {
                guard position + 1 < bytes.count, Self.escapable.contains(bytes[position + 1]) else {
                    let sequence = String(decoding: bytes[position..<min(position + 2, bytes.count)], as: UTF8.self)
                    throw .malformed("Invalid string literal '\(text(from: start))'. Illegal character sequence '\(sequence)' in string literal.",
                                     at: start, in: query)
                }
                position += 2
                continue
            }
            if byte == UInt8(ascii: "'") {
                let body = String(decoding: bytes[bodyStart..<position], as: UTF8.self)
                position += 1
                return SOQLToken(kind: .string(body), offset: start, text: text(from: start))
            }
            position += 1
        }
        throw .malformed("unexpected token: <EOF>", at: bytes.count, in: query)
    }

    /// Numbers, dates `2024-01-01` and datetimes `2024-01-01T00:00:00Z` (unquoted).
    /// Datetimes only in the forms the SOQL reference documents, whole seconds with `Z`
    /// or `±hh:mm`: a fraction of a second is refused (a real org's handling of one is
    /// not documented, so a connector must not rely on it).
    private mutating func numberOrDate() throws(SOQLError) -> SOQLToken {
        let start = position
        if bytes.count - position >= 10, bytes[position + 4] == UInt8(ascii: "-"), (0..<4).allSatisfy({ Self.isDigit(bytes[start + $0]) }) {
            while position < bytes.count, Self.isDateTimePart(bytes[position]) { position += 1 }
            let literal = text(from: start)
            if literal.contains("T") {
                guard !literal.contains("."), let value = SalesforceDateTime.parseDateTime(literal) else {
                    throw .malformed("line 1:\(start) no viable alternative at character '\(literal)'", at: start, in: query)
                }
                return SOQLToken(kind: .dateTime(value), offset: start, text: literal)
            }
            guard let days = SalesforceDateTime.parseDate(literal) else {
                throw .malformed("line 1:\(start) no viable alternative at character '\(literal)'", at: start, in: query)
            }
            return SOQLToken(kind: .date(days), offset: start, text: literal)
        }
        position += 1
        while position < bytes.count, Self.isDigit(bytes[position]) || bytes[position] == UInt8(ascii: ".") { position += 1 }
        let literal = text(from: start)
        guard Double(literal) != nil else {
            throw .malformed("unexpected token: '\(literal)'", at: start, in: query)
        }
        return SOQLToken(kind: .number(literal), offset: start, text: literal)
    }

    private func text(from start: Int) -> String {
        String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private static let escapable: Set<UInt8> = Set("'\"\\nrtbfu_%".utf8)

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

    private static func isWordStart(_ byte: UInt8) -> Bool {
        (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == UInt8(ascii: "_")
    }

    private static func isWordPart(_ byte: UInt8) -> Bool {
        isWordStart(byte) || isDigit(byte) || byte == UInt8(ascii: ".")
    }

    private static func isDateTimePart(_ byte: UInt8) -> Bool {
        isDigit(byte) || [UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "T"), UInt8(ascii: "Z"),
                          UInt8(ascii: "."), UInt8(ascii: "+")].contains(byte)
    }
}
