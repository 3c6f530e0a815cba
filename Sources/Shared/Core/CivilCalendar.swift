/// Proleptic Gregorian calendar arithmetic in UTC on day counts since 1970-01-01, without
/// `Calendar` (exact, locale-free, allocation-free). The one implementation behind the
/// envelope's dates (`DateTimeText`), PostgreSQL's timestamp text (`PostgresTimestamp`) and
/// the CRM emulator's wire formats. Algorithms from Howard Hinnant, "chrono-Compatible
/// Low-Level Date Algorithms" (`days_from_civil`, `civil_from_days`).
package enum CivilCalendar {
    /// Days since 1970-01-01 of a civil date (negative before it).
    @inlinable
    package static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a day count since 1970-01-01.
    @inlinable
    package static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    @inlinable
    package static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// Days in the month (1–12) of `year`, leap years counted.
    @inlinable
    package static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Whether the date exists (month 1–12, day within the month).
    @inlinable
    package static func isValid(year: Int, month: Int, day: Int) -> Bool {
        (1...12).contains(month) && day >= 1 && day <= daysInMonth(year: year, month: month)
    }

    /// A count of seconds (or any unit) since 1970-01-01 split into whole days and the rest
    /// of the day, rounding down also before 1970: `unitsPerDay` is 86 400 for seconds.
    @inlinable
    package static func split(_ units: Int64, unitsPerDay: Int64) -> (days: Int, rest: Int64) {
        var days = units / unitsPerDay
        var rest = units % unitsPerDay
        if rest < 0 {
            rest += unitsPerDay
            days -= 1
        }
        return (Int(days), rest)
    }
}
