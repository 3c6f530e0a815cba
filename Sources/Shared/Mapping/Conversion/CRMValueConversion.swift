import CoreValues

/// How a Campaign value becomes the value an export sends to the CRM (the other way from
/// `FieldConversion`). PostgreSQL renders a `timestamptz` in JSON with the session's offset
/// and microseconds (`2026-03-31T02:30:00.123456+02:00`), a `timestamp` without any zone,
/// a `date` as `2026-03-31`; the CRMs want a date-time in UTC (`Edm.DateTimeOffset`,
/// Salesforce `dateTime`) and a date as `yyyy-MM-dd` (`Edm.Date`, Salesforce `date`).
///
/// Every conversion keeps null as null.
public enum CRMValueConversion: String, Sendable, CaseIterable {
    /// A string shaped like a date-time (`yyyy-MM-dd` then `T` or a space and a digit)
    /// becomes UTC with `Z` and at most milliseconds (`2026-03-31T00:30:00.123Z`); one
    /// without an offset (a PostgreSQL `timestamp`) reads as UTC. A date alone stays
    /// `yyyy-MM-dd`. A value shaped like a date that is not a valid one is an error (a
    /// reject); every other value passes unchanged.
    case `default`
    /// The date part as written, `yyyy-MM-dd`, for a CRM date field: no zone shift, so
    /// `2026-03-31T23:30:00-02:00` gives `2026-03-31`. Values that are not dates are an error.
    case dateOnly
    /// The value exactly as Campaign gave it.
    case copy

    /// The value to send for `value`.
    public func convert(_ value: FieldValue) -> Result<FieldValue, ConversionError> {
        switch (self, value) {
        case (_, .null), (.copy, _):
            return .success(value)
        case (.default, .string(let text)):
            guard FieldConversion.looksLikeDate(text) else { return .success(value) }
            return Self.dateTime(text).map { parsed in
                .string(parsed.hasTime ? Self.utcMilliseconds(parsed) : parsed.dateString)
            }
        case (.default, _):
            return .success(value)
        case (.dateOnly, .string(let text)):
            return Self.dateTime(text).map { .string($0.dateString) }
        case (.dateOnly, _):
            return .failure(ConversionError(.notADate, "dateOnly expects a date or a date-time, found \(value.kindName)"))
        }
    }

    /// RFC 3339 in UTC with `Z`, the fraction cut to milliseconds (what both CRMs keep).
    static func utcMilliseconds(_ parsed: DateTimeText) -> String {
        var utc = parsed.utc
        if var time = utc.time {
            time.fraction = String(time.fraction.prefix(3))
            utc.time = time
        }
        return utc.utcString
    }

    private static func dateTime(_ text: String) -> Result<DateTimeText, ConversionError> {
        DateTimeText.parse(text, leniency: .iso8601).mapError { error in
            ConversionError(
                .badDateTime,
                "not a valid date or date-time: \(error.reason) (expected ISO 8601 like 2026-03-31T02:30:00+02:00 or 2026-03-31)")
        }
    }
}
