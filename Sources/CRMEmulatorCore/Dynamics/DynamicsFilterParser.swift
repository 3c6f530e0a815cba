import Foundation

/// Parses OData `$filter` text against a table: `eq ne gt ge lt le and or not`,
/// parentheses, `contains`/`startswith`/`endswith`, `null`, quoted strings with doubled
/// quotes, unquoted date-times, dates, numbers, booleans and GUIDs.
struct DynamicsFilterParser {
    enum Token: Equatable {
        case word(String)
        case string(String)
        case literal(String)
        case open, close, comma
    }

    let entity: DynamicsEntityDefinition
    private var tokens: [Token] = []
    private var position = 0

    init(entity: DynamicsEntityDefinition) {
        self.entity = entity
    }

    static func parse(_ text: String, entity: DynamicsEntityDefinition) throws(DynamicsError) -> DynamicsFilter {
        var parser = DynamicsFilterParser(entity: entity)
        parser.tokens = try tokenize(text)
        guard !parser.tokens.isEmpty else { throw .badQuery("Syntax error: the $filter expression is empty.") }
        let filter = try parser.parseOr()
        guard parser.position == parser.tokens.count else {
            throw .badQuery("Syntax error at position \(parser.position) in '\(text)'.")
        }
        return filter
    }

    // MARK: grammar

    private mutating func parseOr() throws(DynamicsError) -> DynamicsFilter {
        var left = try parseAnd()
        while peekWord("or") {
            position += 1
            left = .or(left, try parseAnd())
        }
        return left
    }

    private mutating func parseAnd() throws(DynamicsError) -> DynamicsFilter {
        var left = try parseUnary()
        while peekWord("and") {
            position += 1
            left = .and(left, try parseUnary())
        }
        return left
    }

    private mutating func parseUnary() throws(DynamicsError) -> DynamicsFilter {
        if peekWord("not") {
            position += 1
            return .not(try parseUnary())
        }
        if peek == .open {
            position += 1
            let inner = try parseOr()
            try expect(.close)
            return inner
        }
        if case .word(let name)? = peek, tokens.count > position + 1, tokens[position + 1] == .open,
           let function = DynamicsFilter.TextFunction(rawValue: name.lowercased()) {
            return try parseTextFunction(function)
        }
        return try parseComparison()
    }

    private mutating func parseTextFunction(_ function: DynamicsFilter.TextFunction) throws(DynamicsError) -> DynamicsFilter {
        position += 2
        guard case .word(let name)? = next() else { throw .badQuery("\(function.rawValue) expects a property name first.") }
        let field = try fieldIndex(name)
        try expect(.comma)
        guard case .string(let text)? = next() else {
            throw .badQuery("\(function.rawValue) expects a quoted string as its second argument.")
        }
        try expect(.close)
        guard case .string = entity.fields[field].type else {
            throw .badQuery("No function signature for the function with name '\(function.rawValue)' matches the specified arguments. The function signatures considered are: \(function.rawValue)(Edm.String Nullable=true, Edm.String Nullable=true).")
        }
        let result = DynamicsFilter.text(function, field: field, lowercased: text.lowercased())
        if peekComparison != nil {
            guard let comparison = nextComparison(), case .word(let flag)? = next(), ["true", "false"].contains(flag) else {
                throw .badQuery("A function result can only be compared with true or false.")
            }
            let positive = (flag == "true") == (comparison == .eq)
            guard comparison == .eq || comparison == .ne else { throw .badQuery("A Boolean can only be compared with eq or ne.") }
            return positive ? result : .not(result)
        }
        return result
    }

    private mutating func parseComparison() throws(DynamicsError) -> DynamicsFilter {
        guard let leftToken = next() else { throw .badQuery("Syntax error: the $filter expression ends too early.") }
        guard let comparison = nextComparison() else {
            throw .badQuery("Syntax error: expected a comparison operator (eq, ne, gt, ge, lt, le) after '\(describe(leftToken))'.")
        }
        guard let rightToken = next() else { throw .badQuery("Syntax error: the $filter expression ends after '\(comparison.rawValue)'.") }
        if case .word(let name) = leftToken, !Self.isKeyword(name) {
            let field = try fieldIndex(name)
            return .compare(field: field, comparison, try literal(rightToken, for: field, comparison))
        }
        if case .word(let name) = rightToken, !Self.isKeyword(name) {
            let field = try fieldIndex(name)
            return .compare(field: field, comparison.flipped, try literal(leftToken, for: field, comparison))
        }
        throw .badQuery("A binary operator needs a property on one side; found '\(describe(leftToken))' and '\(describe(rightToken))'.")
    }

    // MARK: binding

    private func fieldIndex(_ name: String) throws(DynamicsError) -> Int {
        guard let index = entity.queryField(name) else { throw .unknownProperty(name, on: entity) }
        return index
    }

    private func literal(_ token: Token, for field: Int, _ comparison: DynamicsFilter.Comparison) throws(DynamicsError) -> DynamicsValue {
        let type = entity.fields[field].type
        let mismatch = { (found: String) -> DynamicsError in
            .badQuery("A binary operator with incompatible types was detected. Found operand types '\(type.edmType)' and '\(found)' for operator kind '\(Self.operatorKind(comparison))'.")
        }
        switch token {
        case .word("null"):
            return .null
        case .word(let flag) where flag == "true" || flag == "false":
            guard case .boolean = type else { throw mismatch("Edm.Boolean") }
            return .boolean(flag == "true")
        case .string(let text):
            switch type {
            case .string, .memo: return .string(text)
            default: throw mismatch("Edm.String")
            }
        case .literal(let text):
            return try typedLiteral(text, type: type, mismatch: mismatch)
        case .word(let word):
            throw .badQuery("Could not find a property named '\(word)' on type '\(entity.qualifiedTypeName)'.")
        default:
            throw .badQuery("Syntax error: unexpected '\(describe(token))'.")
        }
    }

    private func typedLiteral(_ text: String, type: DynamicsFieldType, mismatch: (String) -> DynamicsError) throws(DynamicsError) -> DynamicsValue {
        if Self.isGUID(text) {
            switch type {
            case .uniqueIdentifier, .lookup:
                guard let id = UUID(uuidString: text) else { throw mismatch("Edm.Guid") }
                return .guid(id)
            default: throw mismatch("Edm.Guid")
            }
        }
        if let ms = DynamicsDateTime.parseDateTime(Substring(text)) {
            switch type {
            case .dateTime, .dateOnly: return .dateTime(ms)
            default: throw mismatch("Edm.DateTimeOffset")
            }
        }
        if let days = DynamicsDateTime.parseDate(Substring(text)) {
            // Dataverse refuses a date-only literal against a date-time column (`modifiedon
            // ge 2024-01-01`): Edm.Date and Edm.DateTimeOffset are not comparable in OData.
            guard case .dateOnly = type else { throw mismatch("Edm.Date") }
            return .date(days)
        }
        if let number = Int(text) {
            switch type {
            case .integer, .picklist: return .integer(number)
            case .decimal, .money: return .decimal(Double(number))
            default: throw mismatch("Edm.Int32")
            }
        }
        if let number = Double(text), text.contains(".") || text.lowercased().contains("e") {
            switch type {
            case .decimal, .money, .integer, .picklist: return .decimal(number)
            default: throw mismatch("Edm.Decimal")
            }
        }
        throw .badQuery("Syntax error: '\(text)' is not a valid literal.")
    }

    // MARK: tokens

    private var peek: Token? { position < tokens.count ? tokens[position] : nil }

    private func peekWord(_ word: String) -> Bool {
        if case .word(let w)? = peek { return w == word }
        return false
    }

    private var peekComparison: DynamicsFilter.Comparison? {
        if case .word(let w)? = peek { return DynamicsFilter.Comparison(rawValue: w) }
        return nil
    }

    private mutating func nextComparison() -> DynamicsFilter.Comparison? {
        guard let comparison = peekComparison else { return nil }
        position += 1
        return comparison
    }

    private mutating func next() -> Token? {
        guard position < tokens.count else { return nil }
        position += 1
        return tokens[position - 1]
    }

    private mutating func expect(_ token: Token) throws(DynamicsError) {
        guard next() == token else { throw .badQuery("Syntax error: expected '\(describe(token))'.") }
    }

    private func describe(_ token: Token) -> String {
        switch token {
        case .word(let w), .literal(let w): w
        case .string(let s): "'\(s.replacingOccurrences(of: "'", with: "''"))'"
        case .open: "("
        case .close: ")"
        case .comma: ","
        }
    }

    private static func isKeyword(_ word: String) -> Bool {
        ["null", "true", "false", "and", "or", "not"].contains(word)
    }

    private static func operatorKind(_ comparison: DynamicsFilter.Comparison) -> String {
        switch comparison {
        case .eq: "Equal"
        case .ne: "NotEqual"
        case .gt: "GreaterThan"
        case .ge: "GreaterThanOrEqual"
        case .lt: "LessThan"
        case .le: "LessThanOrEqual"
        }
    }

    static func isGUID(_ text: some StringProtocol) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                guard Self.isHex(byte) else { return false }
            }
        }
        return true
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (97...102).contains(byte) || (65...70).contains(byte)
    }

    static func tokenize(_ text: String) throws(DynamicsError) -> [Token] {
        let chars = Array(text.unicodeScalars)
        var tokens: [Token] = []
        var index = 0
        func isWordChar(_ c: Unicode.Scalar) -> Bool {
            c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || c == "." || c == "/" || c == "@"
        }
        while index < chars.count {
            let c = chars[index]
            if c == " " || c == "\t" || c == "\n" || c == "\r" {
                index += 1
            } else if c == "(" {
                tokens.append(.open)
                index += 1
            } else if c == ")" {
                tokens.append(.close)
                index += 1
            } else if c == "," {
                tokens.append(.comma)
                index += 1
            } else if c == "'" {
                var value = String.UnicodeScalarView()
                index += 1
                var closed = false
                while index < chars.count {
                    if chars[index] == "'" {
                        if index + 1 < chars.count, chars[index + 1] == "'" {
                            value.append("'")
                            index += 2
                            continue
                        }
                        index += 1
                        closed = true
                        break
                    }
                    value.append(chars[index])
                    index += 1
                }
                guard closed else { throw .badQuery("Syntax error: unterminated string literal in $filter.") }
                tokens.append(.string(String(value)))
            } else if index + 36 <= chars.count, isGUID(String(String.UnicodeScalarView(chars[index..<(index + 36)]))),
                      index + 36 == chars.count || !isWordChar(chars[index + 36]) {
                tokens.append(.literal(String(String.UnicodeScalarView(chars[index..<(index + 36)]))))
                index += 36
            } else if ("0"..."9").contains(c) || c == "-" || c == "+" {
                let start = index
                index += 1
                while index < chars.count, "0123456789-:.TZtzEe+".unicodeScalars.contains(chars[index]) {
                    index += 1
                }
                tokens.append(.literal(String(String.UnicodeScalarView(chars[start..<index]))))
            } else if isWordChar(c) {
                let start = index
                while index < chars.count, isWordChar(chars[index]) { index += 1 }
                tokens.append(.word(String(String.UnicodeScalarView(chars[start..<index]))))
            } else {
                throw .badQuery("Syntax error: character '\(c)' is not valid at position \(index) in $filter.")
            }
        }
        return tokens
    }
}
