import Foundation

/// An ISO 8601 / RFC 3339 date or date-time as written, with its parts kept apart so the
/// wall-clock value, the written date and the UTC instant can each be recovered exactly.
///
/// Parsing is hand-written (no `DateFormatter`): it is on the hot path of every reader and
/// writer, and it must say *what* is wrong with a bad value.
public struct DateTimeText: Sendable, Equatable {
    /// The time-of-day part of a date-time.
    public struct Time: Sendable, Equatable {
        public var hour: Int
        public var minute: Int
        public var second: Int
        /// Fraction digits as written (`"000"` for `.000`), empty when there is none.
        public var fraction: String

        public init(hour: Int, minute: Int, second: Int, fraction: String = "") {
            self.hour = hour
            self.minute = minute
            self.second = second
            self.fraction = fraction
        }

        /// The fraction as nanoseconds (digits past the ninth are dropped).
        public var nanoseconds: Int {
            var value = 0
            var digits = 0
            for byte in fraction.utf8 where digits < 9 {
                value = value * 10 + Int(byte &- UInt8(ascii: "0"))
                digits += 1
            }
            while digits < 9 {
                value *= 10
                digits += 1
            }
            return value
        }
    }

    public var year: Int
    public var month: Int
    public var day: Int
    /// `nil` for a date-only value (`2024-01-02`).
    public var time: Time?
    /// Offset from UTC in seconds (`Z` is 0); `nil` when the value carries no zone.
    public var offsetSeconds: Int?

    public init(year: Int, month: Int, day: Int, time: Time? = nil, offsetSeconds: Int? = nil) {
        self.year = year
        self.month = month
        self.day = day
        self.time = time
        self.offsetSeconds = offsetSeconds
    }

    /// What a parse accepts beyond strict RFC 3339 (`2026-01-02T03:04:05.123Z`).
    public struct Leniency: Sendable, Equatable {
        /// A date without a time part (`2024-01-02`).
        public var dateOnly: Bool
        /// A space (or lower-case `t`) between date and time.
        public var spaceSeparator: Bool
        /// No zone designator at all (`2024-01-02T03:04:05`).
        public var missingOffset: Bool
        /// Offsets without a colon (`+0000`, Salesforce) or hours only (`+02`).
        public var compactOffset: Bool
        /// Hours and minutes without seconds (`2024-01-02T03:04Z`).
        public var missingSeconds: Bool

        public init(dateOnly: Bool, spaceSeparator: Bool, missingOffset: Bool,
                    compactOffset: Bool, missingSeconds: Bool) {
            self.dateOnly = dateOnly
            self.spaceSeparator = spaceSeparator
            self.missingOffset = missingOffset
            self.compactOffset = compactOffset
            self.missingSeconds = missingSeconds
        }

        /// RFC 3339 exactly: `T`, seconds and a zone are required.
        public static let rfc3339 = Leniency(
            dateOnly: false, spaceSeparator: false, missingOffset: false,
            compactOffset: false, missingSeconds: false)
        /// What CRMs and people write: every variant above.
        public static let iso8601 = Leniency(
            dateOnly: true, spaceSeparator: true, missingOffset: true,
            compactOffset: true, missingSeconds: true)
    }

    /// Why a text is not a date-time; `reason` never repeats the text itself.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// Parses `text`, accepting what `leniency` allows.
    public static func parse(
        _ text: some StringProtocol, leniency: Leniency = .iso8601
    ) -> Result<DateTimeText, ParseError> {
        var copy = String(text)
        return copy.withUTF8 { parse(bytes: $0, leniency: leniency) }
    }

    /// Parses UTF-8 bytes, accepting what `leniency` allows.
    public static func parse(
        bytes: UnsafeBufferPointer<UInt8>, leniency: Leniency
    ) -> Result<DateTimeText, ParseError> {
        var scanner = DateTimeScanner(bytes: bytes)
        do {
            return .success(try scanner.parse(leniency: leniency))
        } catch {
            return .failure(error)
        }
    }

    /// Whether this value is a calendar date with a time of day (not a date only).
    public var hasTime: Bool { time != nil }

    /// `yyyy-MM-dd` as written (no zone shift).
    public var dateString: String {
        pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    /// `yyyy-MM-dd HH:mm:ss[.fraction]` as written: the wall clock, no zone shift.
    /// A date-only value reads as midnight.
    public var wallClockString: String {
        let time = self.time ?? Time(hour: 0, minute: 0, second: 0)
        var text = dateString + " " + pad(time.hour, 2) + ":" + pad(time.minute, 2) + ":"
            + pad(time.second, 2)
        if !time.fraction.isEmpty {
            text += "." + time.fraction
        }
        return text
    }

    /// Seconds since 1970-01-01T00:00:00Z, whole seconds; a missing zone reads as UTC.
    public var epochSeconds: Int64 {
        let days = Int64(CivilCalendar.days(year: year, month: month, day: day))
        let time = self.time ?? Time(hour: 0, minute: 0, second: 0)
        let local = days * 86_400 + Int64(time.hour * 3600 + time.minute * 60 + time.second)
        return local - Int64(offsetSeconds ?? 0)
    }

    /// The instant; a missing zone reads as UTC.
    public var date: Date {
        let nanos = time?.nanoseconds ?? 0
        return Date(timeIntervalSince1970: Double(epochSeconds) + Double(nanos) / 1e9)
    }

    /// The same instant in UTC (offset 0), fraction digits kept as written.
    public var utc: DateTimeText {
        let (days, rest) = CivilCalendar.split(epochSeconds, unitsPerDay: 86_400)
        let (y, m, d) = CivilCalendar.civil(days: days)
        let time = Time(
            hour: Int(rest / 3600), minute: Int(rest % 3600 / 60), second: Int(rest % 60),
            fraction: self.time?.fraction ?? "")
        return DateTimeText(year: y, month: m, day: d, time: time, offsetSeconds: 0)
    }

    /// RFC 3339 in UTC with `Z`, trailing zero fraction digits trimmed.
    public var utcString: String {
        let utc = self.utc
        let time = utc.time ?? Time(hour: 0, minute: 0, second: 0)
        var text = utc.dateString + "T" + pad(time.hour, 2) + ":" + pad(time.minute, 2) + ":"
            + pad(time.second, 2)
        var fraction = Substring(time.fraction)
        while fraction.last == "0" {
            fraction = fraction.dropLast()
        }
        if !fraction.isEmpty {
            text += "." + fraction
        }
        return text + "Z"
    }
}

private func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}
