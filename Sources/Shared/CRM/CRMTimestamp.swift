import Foundation

/// Datetimes as the CRMs write them: Dynamics `2023-04-07T21:59:01Z`, Salesforce
/// `2013-05-20T20:49:32.000+0000`; also `+00:00` offsets and any fraction length.
/// Hand-written (no `DateFormatter`): it runs for every record of every page.
enum CRMTimestamp {
    /// The instant, or nil when the text is not a date-time with a zone.
    static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        var scanner = Scanner(bytes: bytes)
        return scanner.date()
    }

    /// `yyyy-MM-ddTHH:mm:ssZ`, with `.SSS` only when the instant has milliseconds.
    static func string(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        return string(epochMilliseconds: millis, includeMilliseconds: millis % 1000 != 0)
    }

    /// `yyyy-MM-ddTHH:mm:ssZ` of the first whole second at or after `date`: the literal
    /// for languages or fields with whole-second precision, where `t >= ceil(d)` is
    /// exactly `t >= d` for every whole-second `t`.
    static func wholeSecondString(roundingUp date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.up))
        return string(epochMilliseconds: seconds * 1000, includeMilliseconds: false)
    }

    private static func string(epochMilliseconds millis: Int64, includeMilliseconds: Bool) -> String {
        var seconds = millis / 1000
        var fraction = millis % 1000
        if fraction < 0 {
            fraction += 1000
            seconds -= 1
        }
        var days = seconds / 86_400
        var rest = seconds % 86_400
        if rest < 0 {
            rest += 86_400
            days -= 1
        }
        let (year, month, day) = civil(fromDays: days)
        var text = pad(year, 4) + "-" + pad(Int(month), 2) + "-" + pad(Int(day), 2) + "T"
        text += pad(Int(rest / 3600), 2) + ":" + pad(Int(rest % 3600 / 60), 2) + ":" + pad(Int(rest % 60), 2)
        if includeMilliseconds { text += "." + pad(Int(fraction), 3) }
        return text + "Z"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civil(fromDays days: Int64) -> (Int, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (Int(yoe + era * 400 + (month <= 2 ? 1 : 0)), month, day)
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func date() -> Date? {
            guard let year = number(4), expect(UInt8(ascii: "-")), let month = number(2),
                  expect(UInt8(ascii: "-")), let day = number(2),
                  expect(UInt8(ascii: "T")) || expect(UInt8(ascii: " ")),
                  let hour = number(2), expect(UInt8(ascii: ":")), let minute = number(2),
                  expect(UInt8(ascii: ":")), let second = number(2),
                  (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
            else { return nil }
            var nanos: Int64 = 0
            if expect(UInt8(ascii: ".")) {
                var digits = 0
                while index < bytes.count, let digit = digit(bytes[index]) {
                    if digits < 9 { nanos = nanos * 10 + digit }
                    digits += 1
                    index += 1
                }
                guard digits > 0 else { return nil }
                for _ in min(digits, 9)..<9 { nanos *= 10 }
            }
            guard let offset = offsetSeconds(), index == bytes.count else { return nil }
            let epoch = days(year: year, month: month, day: day) * 86_400
                + hour * 3600 + minute * 60 + second - offset
            return Date(timeIntervalSince1970: Double(epoch) + Double(nanos) / 1e9)
        }

        private mutating func offsetSeconds() -> Int64? {
            guard index < bytes.count else { return nil }
            let sign = bytes[index]
            index += 1
            if sign == UInt8(ascii: "Z") || sign == UInt8(ascii: "z") { return 0 }
            guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"), let hours = number(2) else { return nil }
            _ = expect(UInt8(ascii: ":"))
            guard let minutes = number(2), hours < 24, minutes < 60 else { return nil }
            let seconds = hours * 3600 + minutes * 60
            return sign == UInt8(ascii: "-") ? -seconds : seconds
        }

        private mutating func expect(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        private mutating func number(_ width: Int) -> Int64? {
            guard index + width <= bytes.count else { return nil }
            var value: Int64 = 0
            for offset in 0..<width {
                guard let digit = digit(bytes[index + offset]) else { return nil }
                value = value * 10 + digit
            }
            index += width
            return value
        }

        private func digit(_ byte: UInt8) -> Int64? {
            byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int64(byte - UInt8(ascii: "0")) : nil
        }
    }
}
