/// The value families SOQL knows how to compare.
enum SOQLValueKind: Sendable, Equatable {
    case id, text, boolean, number, date, dateTime
}
