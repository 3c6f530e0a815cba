/// Recursive-descent parser for the SOQL subset the emulator serves:
/// `SELECT fields|COUNT() FROM object [WHERE …] [ORDER BY …] [LIMIT n] [OFFSET n]`.
/// As on the platform, AND and OR may not be mixed at one level without parentheses.
struct SOQLParser {
    private let query: String
    private let tokens: [SOQLToken]
    private var position = 0
    private var depth = 0
    /// Nesting of NOT and parentheses; deeper input is refused, not recursed into.
    private static let maximumDepth = 100

    private static let relativeDates: Set<String> = ["TODAY", "YESTERDAY", "TOMORROW"]
    private static let relativeDateRanges: Set<String> = ["LAST_N_DAYS", "NEXT_N_DAYS"]

    static func parse(_ query: String) throws(SOQLError) -> SOQLStatement {
        var parser = SOQLParser(query: query, tokens: try SOQLLexer.tokens(of: query))
        return try parser.statement()
    }

    private init(query: String, tokens: [SOQLToken]) {
        self.query = query
        self.tokens = tokens
    }

    private var current: SOQLToken { tokens[position] }

    private mutating func advance() -> SOQLToken {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    private func unexpected() -> SOQLError {
        .malformed("unexpected token: \(current.kind == .end ? "<EOF>" : "'\(current.text)'")", at: current.offset, in: query)
    }

    private mutating func expectKeyword(_ keyword: String) throws(SOQLError) {
        guard current.keyword == keyword else { throw unexpected() }
        _ = advance()
    }

    private mutating func acceptKeyword(_ keyword: String) -> Bool {
        guard current.keyword == keyword else { return false }
        _ = advance()
        return true
    }

    private mutating func name() throws(SOQLError) -> SOQLStatement.Name {
        guard case .word(let word) = current.kind, !Self.reserved.contains(word.uppercased()) else { throw unexpected() }
        let token = advance()
        return .init(text: word, offset: token.offset)
    }

    private static let reserved: Set<String> = [
        "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "ORDER", "BY", "LIMIT", "OFFSET", "IN", "LIKE",
        "ASC", "DESC", "NULLS", "NULL", "TRUE", "FALSE", "GROUP", "HAVING",
    ]

    private mutating func statement() throws(SOQLError) -> SOQLStatement {
        try expectKeyword("SELECT")
        let fields = try selectList()
        try expectKeyword("FROM")
        var statement = SOQLStatement(fields: fields, object: try name())
        if acceptKeyword("WHERE") { statement.condition = try condition() }
        if acceptKeyword("ORDER") {
            try expectKeyword("BY")
            statement.orderBy = try orderList()
        }
        if acceptKeyword("LIMIT") { statement.limit = try count() }
        if acceptKeyword("OFFSET") { statement.offset = try count() }
        guard current.kind == .end else { throw unexpected() }
        return statement
    }

    private mutating func selectList() throws(SOQLError) -> [SOQLStatement.Name]? {
        if current.keyword == "COUNT", tokens[position + 1].kind == .leftParenthesis {
            _ = advance()
            _ = advance()
            guard current.kind == .rightParenthesis else { throw unexpected() }
            _ = advance()
            return nil
        }
        var fields = [try name()]
        while current.kind == .comma {
            _ = advance()
            fields.append(try name())
        }
        return fields
    }

    private mutating func count() throws(SOQLError) -> Int {
        guard case .number(let text) = current.kind, let value = Int(text), value >= 0 else { throw unexpected() }
        _ = advance()
        return value
    }

    private mutating func orderList() throws(SOQLError) -> [SOQLStatement.OrderItem] {
        var items: [SOQLStatement.OrderItem] = []
        repeat {
            if !items.isEmpty { _ = advance() }
            let field = try name()
            let descending = acceptKeyword("DESC")
            if !descending { _ = acceptKeyword("ASC") }
            var nullsFirst = !descending
            if acceptKeyword("NULLS") {
                if acceptKeyword("FIRST") {
                    nullsFirst = true
                } else {
                    try expectKeyword("LAST")
                    nullsFirst = false
                }
            }
            items.append(.init(field: field, descending: descending, nullsFirst: nullsFirst))
        } while current.kind == .comma
        return items
    }

    /// A sequence of terms joined by one connective (all AND or all OR).
    private mutating func condition() throws(SOQLError) -> SOQLStatement.Condition {
        var terms = [try term()]
        var connective: String?
        while let keyword = current.keyword, keyword == "AND" || keyword == "OR" {
            if let connective, connective != keyword { throw unexpected() }
            connective = keyword
            _ = advance()
            terms.append(try term())
        }
        guard terms.count > 1 else { return terms[0] }
        return connective == "AND" ? .and(terms) : .or(terms)
    }

    private mutating func term() throws(SOQLError) -> SOQLStatement.Condition {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else {
            throw .malformed("the condition is nested too deeply", at: current.offset, in: query)
        }
        if acceptKeyword("NOT") { return .not(try term()) }
        if current.kind == .leftParenthesis {
            _ = advance()
            let inner = try condition()
            guard current.kind == .rightParenthesis else { throw unexpected() }
            _ = advance()
            return inner
        }
        let field = try name()
        if acceptKeyword("LIKE") {
            let offset = current.offset
            return .like(field, try literal(), literalOffset: offset)
        }
        let negated = acceptKeyword("NOT")
        if acceptKeyword("IN") {
            guard current.kind == .leftParenthesis else { throw unexpected() }
            _ = advance()
            let offset = current.offset
            var values = [try literal()]
            while current.kind == .comma {
                _ = advance()
                values.append(try literal())
            }
            guard current.kind == .rightParenthesis else { throw unexpected() }
            _ = advance()
            return .inList(field, values, negated: negated, literalOffset: offset)
        }
        guard !negated, case .comparison(let op) = current.kind else { throw unexpected() }
        _ = advance()
        let offset = current.offset
        return .comparison(field, op: op, try literal(), literalOffset: offset)
    }

    private mutating func literal() throws(SOQLError) -> SOQLStatement.Literal {
        switch current.kind {
        case .string(let body):
            _ = advance()
            return .string(body)
        case .number(let text):
            _ = advance()
            return .number(text)
        case .dateTime(let value):
            _ = advance()
            return .dateTime(value)
        case .date(let days):
            _ = advance()
            return .date(days)
        case .word(let word):
            let upper = word.uppercased()
            switch upper {
            case "NULL": _ = advance(); return .null
            case "TRUE": _ = advance(); return .boolean(true)
            case "FALSE": _ = advance(); return .boolean(false)
            default: break
            }
            if Self.relativeDates.contains(upper) {
                _ = advance()
                return .relativeDate(name: upper, count: nil)
            }
            if Self.relativeDateRanges.contains(upper) {
                _ = advance()
                guard current.kind == .colon else { throw unexpected() }
                _ = advance()
                return .relativeDate(name: upper, count: try count())
            }
            throw unexpected()
        default:
            throw unexpected()
        }
    }
}
