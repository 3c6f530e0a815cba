import Foundation

/// Proleptic Gregorian calendar arithmetic in UTC, without `Calendar` (fast and pure).
/// Algorithms from Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms".
extension DateTimeText {
    /// Days since 1970-01-01 for a civil date.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a count of days since 1970-01-01.
    static func civilFromDays(_ days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2:
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        case 4, 6, 9, 11:
            return 30
        default:
            return 31
        }
    }

    /// The UTC date-time of an instant, with microseconds (rounded) as the fraction
    /// when they are not zero.
    public init(utc date: Date) {
        let interval = date.timeIntervalSince1970
        var seconds = interval.rounded(.down)
        var micros = ((interval - seconds) * 1_000_000).rounded()
        if micros >= 1_000_000 {
            seconds += 1
            micros = 0
        }
        let whole = Int64(seconds)
        var days = whole / 86_400
        var rest = whole % 86_400
        if rest < 0 {
            rest += 86_400
            days -= 1
        }
        let (y, m, d) = Self.civilFromDays(days)
        var fraction = ""
        if micros > 0 {
            var digits = String(Int(micros))
            digits = String(repeating: "0", count: 6 - digits.count) + digits
            while digits.last == "0" {
                digits.removeLast()
            }
            fraction = digits
        }
        self.init(
            year: y, month: m, day: d,
            time: Time(hour: Int(rest / 3600), minute: Int(rest % 3600 / 60),
                       second: Int(rest % 60), fraction: fraction),
            offsetSeconds: 0)
    }

    /// RFC 3339 text of an instant in UTC: `2026-01-02T03:04:05Z`, or with the
    /// microseconds when there are any (`2026-01-02T03:04:05.123Z`).
    public static func rfc3339(_ date: Date) -> String {
        DateTimeText(utc: date).utcString
    }

    /// Appends the RFC 3339 UTC text of `date` to `buffer` (the envelope encoder's path).
    static func appendRFC3339(_ date: Date, to buffer: inout [UInt8]) {
        let value = DateTimeText(utc: date)
        let time = value.time ?? Time(hour: 0, minute: 0, second: 0)
        appendDigits(value.year, width: 4, to: &buffer)
        buffer.append(UInt8(ascii: "-"))
        appendDigits(value.month, width: 2, to: &buffer)
        buffer.append(UInt8(ascii: "-"))
        appendDigits(value.day, width: 2, to: &buffer)
        buffer.append(UInt8(ascii: "T"))
        appendDigits(time.hour, width: 2, to: &buffer)
        buffer.append(UInt8(ascii: ":"))
        appendDigits(time.minute, width: 2, to: &buffer)
        buffer.append(UInt8(ascii: ":"))
        appendDigits(time.second, width: 2, to: &buffer)
        if !time.fraction.isEmpty {
            buffer.append(UInt8(ascii: "."))
            buffer.append(contentsOf: time.fraction.utf8)
        }
        buffer.append(UInt8(ascii: "Z"))
    }

    private static func appendDigits(_ value: Int, width: Int, to buffer: inout [UInt8]) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value < 0 ? -value : value
        withUnsafeMutableBytes(of: &digits) { raw in
            repeat {
                raw[count] = UInt8(ascii: "0") &+ UInt8(rest % 10)
                rest /= 10
                count += 1
            } while rest > 0 && count < 6
            while count < width {
                raw[count] = UInt8(ascii: "0")
                count += 1
            }
            if value < 0 {
                buffer.append(UInt8(ascii: "-"))
            }
            for index in stride(from: count - 1, through: 0, by: -1) {
                buffer.append(raw[index])
            }
        }
    }
}
