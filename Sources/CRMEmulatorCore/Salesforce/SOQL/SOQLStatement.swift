/// A parsed, not yet resolved, SOQL statement: names are still text.
struct SOQLStatement: Sendable {
    struct Name: Sendable {
        let text: String
        let offset: Int
    }

    enum Literal: Sendable {
        /// The raw body of a quoted string (escapes not yet decoded).
        case string(String)
        case number(String)
        case boolean(Bool)
        case null
        case dateTime(Int64)
        case date(Int)
        /// `TODAY`, `LAST_N_DAYS:7`, …
        case relativeDate(name: String, count: Int?)
    }

    indirect enum Condition: Sendable {
        case and([Condition])
        case or([Condition])
        case not(Condition)
        case comparison(Name, op: String, Literal, literalOffset: Int)
        case inList(Name, [Literal], negated: Bool, literalOffset: Int)
        case like(Name, Literal, literalOffset: Int)
    }

    struct OrderItem: Sendable {
        let field: Name
        let descending: Bool
        let nullsFirst: Bool
    }

    /// `nil` for `SELECT COUNT()`.
    var fields: [Name]?
    var object: Name
    var condition: Condition?
    var orderBy: [OrderItem] = []
    var limit: Int?
    var offset: Int?
}
