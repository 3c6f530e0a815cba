import Foundation

/// Instants as UTC date-times (the calendar arithmetic is `CivilCalendar`).
extension DateTimeText {
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
        let (days, rest) = CivilCalendar.split(Int64(seconds), unitsPerDay: 86_400)
        let (y, m, d) = CivilCalendar.civil(days: days)
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
