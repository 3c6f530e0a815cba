import Foundation

/// Proleptic Gregorian arithmetic on the integer forms both emulated CRMs keep time in:
/// milliseconds since 1970-01-01T00:00:00Z for date-times and days since 1970-01-01 for
/// dates, so comparisons are integer comparisons. Each CRM writes its own wire format
/// on top of this (`DynamicsDateTime`, `SalesforceDateTime`).
enum CivilCalendar {
    static let millisecondsPerDay: Int64 = 86_400_000

    /// Now, truncated to whole seconds: both CRMs store date-times with second precision,
    /// so equal timestamps are common (as they are on a real system).
    static func nowWholeSeconds() -> Int64 {
        Int64(Date().timeIntervalSince1970) * 1000
    }

    /// Days since 1970-01-01 of a civil date (Howard Hinnant's `days_from_civil`).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day count since 1970-01-01 (Hinnant's `civil_from_days`).
    static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
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

    /// Whether the date exists (month 1–12, day within the month, leap years counted).
    static func isValid(year: Int, month: Int, day: Int) -> Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        let lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        return day <= (month == 2 && leap ? 29 : lengths[month - 1])
    }

    /// The day an instant falls on (rounding down, also before 1970).
    static func days(of milliseconds: Int64) -> Int {
        Int((milliseconds - positiveModulo(milliseconds, millisecondsPerDay)) / millisecondsPerDay)
    }

    /// Milliseconds since midnight UTC of the instant's day (0 ..< 86 400 000).
    static func millisecondOfDay(_ milliseconds: Int64) -> Int {
        Int(positiveModulo(milliseconds, millisecondsPerDay))
    }

    static func startOfDay(_ milliseconds: Int64) -> Int64 {
        milliseconds - positiveModulo(milliseconds, millisecondsPerDay)
    }

    static func truncatedToMinute(_ milliseconds: Int64) -> Int64 {
        milliseconds - positiveModulo(milliseconds, 60_000)
    }

    private static func positiveModulo(_ value: Int64, _ modulus: Int64) -> Int64 {
        let remainder = value % modulus
        return remainder < 0 ? remainder + modulus : remainder
    }
}
