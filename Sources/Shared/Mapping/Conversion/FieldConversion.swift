import CoreValues

/// How a CRM value becomes the text bound as a PostgreSQL parameter (SPEC §2.1).
///
/// Every conversion maps null to `nil` (SQL NULL). Date-times are read as ISO 8601:
/// `Z` or offsets `+02:00`, `+0200`, `+02` (Salesforce writes `2013-05-20T20:49:32.000+0000`),
/// `T` or a space between date and time, optional seconds and fraction.
public enum FieldConversion: String, Sendable, CaseIterable {
    /// Date-times with a zone are normalised to UTC (`2013-05-20T20:49:32Z`, for a
    /// `timestamptz` column); every other value passes as text. A value shaped like a
    /// date (`yyyy-MM-dd` then the end, `T`, or a space and a digit) must be a valid one.
    /// A date-time without a zone passes as written (the writer's session is UTC).
    case `default`
    /// The date part as written, `yyyy-MM-dd`: no zone shift, so
    /// `2024-03-31T23:30:00-02:00` gives `2024-03-31` (the day the CRM shows), not the
    /// UTC day `2024-04-01`. Values that are not dates are an error.
    case dateOnly
    /// The wall-clock value with the offset dropped, for a `timestamp` (without time zone)
    /// column: `2024-03-31T02:30:00+02:00` → `2024-03-31 02:30:00`. A date alone reads as
    /// midnight. Values that are not dates are an error.
    case withoutTimeOffset
    /// The raw text, no conversion: strings as they are, numbers as their literal,
    /// booleans as `true` / `false`.
    case copy

    /// The text to bind for `value`, `nil` for SQL NULL.
    public func convert(_ value: FieldValue) -> Result<String?, ConversionError> {
        switch (self, value) {
        case (_, .null):
            return .success(nil)
        case (.copy, _):
            return .success(value.text)
        case (.default, .string(let text)):
            return Self.normalised(text)
        case (.default, _):
            return .success(value.text)
        case (.dateOnly, .string(let text)):
            return Self.dateTime(text).map { $0.dateString }
        case (.withoutTimeOffset, .string(let text)):
            return Self.dateTime(text).map { $0.wallClockString }
        case (.dateOnly, _), (.withoutTimeOffset, _):
            return .failure(ConversionError(
                .notADate, "\(rawValue) expects a date or a date-time, found \(value.kindName)"))
        }
    }

    private static func normalised(_ text: String) -> Result<String?, ConversionError> {
        guard looksLikeDate(text) else {
            return .success(text)
        }
        return dateTime(text).map { parsed in
            parsed.hasTime && parsed.offsetSeconds != nil ? parsed.utcString : text
        }
    }

    private static func dateTime(_ text: String) -> Result<DateTimeText, ConversionError> {
        DateTimeText.parse(text, leniency: .iso8601).mapError { error in
            ConversionError(
                .badDateTime,
                "not a valid date or date-time: \(error.reason) "
                    + "(expected ISO 8601 like 2024-03-31T02:30:00+02:00 or 2024-03-31)")
        }
    }

    /// `dddd-dd-dd` followed by the end, `T`/`t`, or a space and a digit.
    static func looksLikeDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8.prefix(12))
        func isDigit(_ index: Int) -> Bool {
            index < bytes.count && bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9")
        }
        guard bytes.count >= 10, (0..<4).allSatisfy(isDigit), bytes[4] == UInt8(ascii: "-"),
              isDigit(5), isDigit(6), bytes[7] == UInt8(ascii: "-"), isDigit(8), isDigit(9) else {
            return false
        }
        if bytes.count == 10 {
            return text.utf8.count == 10
        }
        switch bytes[10] {
        case UInt8(ascii: "T"), UInt8(ascii: "t"): return true
        case UInt8(ascii: " "): return isDigit(11)
        default: return false
        }
    }
}
