import Foundation

/// Salesforce datetimes and dates as integers: milliseconds and days since
/// 1970-01-01 UTC. Formatting and parsing are hand-written (no DateFormatter):
/// they run once per field on the query hot path.
enum SalesforceDateTime {
    static let millisecondsPerDay: Int64 = 86_400_000

    /// Now, truncated to whole seconds: Salesforce stores datetimes with second
    /// precision, so equal timestamps are common (as they are on a real org).
    static func now() -> Int64 {
        Int64(Date().timeIntervalSince1970) * 1000
    }

    static func truncatedToMinute(_ milliseconds: Int64) -> Int64 {
        milliseconds - positiveModulo(milliseconds, 60_000)
    }

    static func startOfDay(_ milliseconds: Int64) -> Int64 {
        milliseconds - positiveModulo(milliseconds, millisecondsPerDay)
    }

    static func days(of milliseconds: Int64) -> Int {
        Int((milliseconds - positiveModulo(milliseconds, millisecondsPerDay)) / millisecondsPerDay)
    }

    private static func positiveModulo(_ value: Int64, _ modulus: Int64) -> Int64 {
        let remainder = value % modulus
        return remainder < 0 ? remainder + modulus : remainder
    }

    // MARK: Civil calendar (Howard Hinnant's algorithms)

    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func isValid(year: Int, month: Int, day: Int) -> Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        let lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        return day <= (month == 2 && leap ? 29 : lengths[month - 1])
    }

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
        var milliseconds = 0
        if scanner.consume(UInt8(ascii: ".")) {
            var scale = 100
            var count = 0
            while let digit = scanner.readDigit() {
                milliseconds += digit * scale
                scale /= 10
                count += 1
            }
            guard count > 0 else { return nil }
        }
        guard let offsetSeconds = scanner.readZone(), scanner.atEnd else { return nil }
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
