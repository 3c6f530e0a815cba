import CoreValues

/// A parsed filter of the config's filter language (SPEC §2.1), OData-like:
/// `statecode eq 0 and emailaddress1 ne null`.
///
/// `FilterExpression.parse(_:allowStringComparisons:)` returns only filters that pass
/// every rule (`FilterRule`). The tree travels as is to a CRM connector, which renders it
/// in its own language (Dynamics `$filter`, Salesforce `WHERE`); `text` prints it back in
/// the filter language, for messages.
public indirect enum FilterExpression: Sendable, Equatable {
    /// Every child holds.
    case and([FilterExpression])
    /// At least one child holds.
    case or([FilterExpression])
    case not(FilterExpression)
    /// `left op right`, e.g. `statecode eq 0`.
    case comparison(FilterOperand, FilterComparison, FilterOperand)
    /// A boolean function, e.g. `startswith(lastname,'O''B')`.
    case function(name: String, arguments: [FilterOperand])
}

/// One side of a comparison, or a function argument.
public indirect enum FilterOperand: Sendable, Equatable {
    /// A field; more than one segment (`parentcustomerid/name`) is a join.
    case field([String])
    case literal(FilterLiteral)
    case function(name: String, arguments: [FilterOperand])
}

/// A literal value in a filter.
public enum FilterLiteral: Sendable, Equatable {
    case null
    case bool(Bool)
    /// An integer or decimal, as written (`-12`, `0.5`).
    case number(String)
    /// A date without time (`2024-01-02`); counts as a number.
    case date(DateTimeText)
    /// A date-time with a zone (`2024-01-01T00:00:00Z`); counts as a number.
    case dateTime(DateTimeText)
    /// A quoted string (`'O''Bryan'` is `O'Bryan`).
    case string(String)
}

/// The comparison operators, by their filter-language names.
public enum FilterComparison: String, Sendable, CaseIterable {
    case eq, ne, gt, ge, lt, le
}
