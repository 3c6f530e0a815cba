/// Salesforce's wire forms of datetimes and dates, kept as integers (milliseconds and
/// days since 1970-01-01 UTC, see `CivilCalendar`). Formatting and parsing are
/// hand-written (no DateFormatter): they run once per field on the query hot path.
enum SalesforceDateTime {
    // MARK: Formatting

    /// `2013-05-20T20:49:32.000+0000`, the REST API's datetime form.
    static func format(_ milliseconds: Int64) -> String {
        var buffer = SalesforceJSONWriter(capacity: 32)
        buffer.writeDateTimeDigits(milliseconds)
        return buffer.string
    }

    /// `2013-05-20`, the REST API's date form.
    static func formatDate(_ days: Int) -> String {
        var buffer = SalesforceJSONWriter(capacity: 16)
        buffer.writeDateDigits(days)
        return buffer.string
    }

    // MARK: Parsing

    /// Parses ISO 8601 datetimes as connectors send them: `2024-01-01T00:00:00Z`,
    /// `…00.000+0000`, `…00+01:00`, and a space where a form-decoded `+` was.
    static func parseDateTime(_ text: some StringProtocol) -> Int64? {
        var scanner = DigitScanner(Array(text.utf8))
        guard let days = scanner.readDate(), scanner.consume(UInt8(ascii: "T")) else { return nil }
        guard let hour = scanner.readNumber(digits: 2), scanner.consume(UInt8(ascii: ":")),
              let minute = scanner.readNumber(digits: 2), scanner.consume(UInt8(ascii: ":")),
              let second = scanner.readNumber(digits: 2),
              hour < 24, minute < 60, second < 60
        else { return nil }
        guard let milliseconds = scanner.readFractionMilliseconds(), let offsetSeconds = scanner.readZone(), scanner.atEnd else { return nil }
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        return seconds * 1000 + Int64(milliseconds)
    }

    /// Parses `YYYY-MM-DD` into days since the epoch.
    static func parseDate(_ text: some StringProtocol) -> Int? {
        var scanner = DigitScanner(Array(text.utf8))
        guard let days = scanner.readDate(), scanner.atEnd else { return nil }
        return days
    }
}
