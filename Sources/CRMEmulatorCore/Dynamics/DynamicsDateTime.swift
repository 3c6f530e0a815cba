import Foundation

/// Dataverse's wire forms for time: `Edm.DateTimeOffset` as `2023-04-07T21:59:01Z` (UTC,
/// second precision) and `Edm.Date` as `2024-01-02`. Values are kept as milliseconds since
/// 1970 (date-times) and days since 1970 (dates) so comparisons are integer comparisons.
enum DynamicsDateTime {
    /// Milliseconds since 1970 for now, truncated to whole seconds like Dataverse.
    static func nowMilliseconds() -> Int64 {
        Int64(Date().timeIntervalSince1970) * 1000
    }

    /// Days since 1970-01-01 of a proleptic Gregorian civil date (Hinnant's algorithm).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day count since 1970-01-01.
    static func civil(days z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// `2023-04-07T21:59:01Z` (fractions dropped, as Dataverse answers).
    static func format(milliseconds: Int64) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        appendDateTime(milliseconds, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `2024-01-02`.
    static func format(days: Int32) -> String {
        var bytes: [UInt8] = []
        appendDate(Int(days), to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func appendDateTime(_ milliseconds: Int64, to bytes: inout [UInt8]) {
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        appendDate(Int(days), to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        appendTwoDigits(secondOfDay / 3600, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendTwoDigits(secondOfDay / 60 % 60, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendTwoDigits(secondOfDay % 60, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
    }

    static func appendDate(_ days: Int, to bytes: inout [UInt8]) {
        let (year, month, day) = civil(days: days)
        let y = max(0, min(9999, year))
        bytes.append(UInt8(48 + y / 1000))
        bytes.append(UInt8(48 + y / 100 % 10))
        bytes.append(UInt8(48 + y / 10 % 10))
        bytes.append(UInt8(48 + y % 10))
        bytes.append(UInt8(ascii: "-"))
        appendTwoDigits(month, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendTwoDigits(day, to: &bytes)
    }

    private static func appendTwoDigits(_ value: Int, to bytes: inout [UInt8]) {
        bytes.append(UInt8(48 + value / 10))
        bytes.append(UInt8(48 + value % 10))
    }

    /// Parses `yyyy-MM-ddTHH:mm[:ss[.fff]](Z|±hh:mm)` into milliseconds since 1970 (UTC).
    static func parseDateTime(_ text: Substring) -> Int64? {
        let b = Array(text.utf8)
        guard b.count >= 17, let days = parseDatePrefix(b), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " ") else { return nil }
        guard let hour = number(b, 11, 2), b[13] == UInt8(ascii: ":"), let minute = number(b, 14, 2),
              hour < 24, minute < 60 else { return nil }
        var index = 16
        var second = 0
        var millisecond = 0
        if index < b.count, b[index] == UInt8(ascii: ":") {
            guard let s = number(b, index + 1, 2), s < 60 else { return nil }
            second = s
            index += 3
            if index < b.count, b[index] == UInt8(ascii: ".") {
                index += 1
                var scale = 100
                let start = index
                while index < b.count, (48...57).contains(b[index]) {
                    millisecond += Int(b[index] - 48) * scale
                    scale /= 10
                    index += 1
                }
                guard index > start else { return nil }
            }
        }
        var offsetMinutes = 0
        guard index < b.count else { return nil }
        switch b[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = b[index] == UInt8(ascii: "-") ? -1 : 1
            guard let oh = number(b, index + 1, 2), index + 3 < b.count, b[index + 3] == UInt8(ascii: ":"),
                  let om = number(b, index + 4, 2) else { return nil }
            offsetMinutes = sign * (oh * 60 + om)
            index += 6
        default:
            return nil
        }
        guard index == b.count else { return nil }
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetMinutes * 60)
        return seconds * 1000 + Int64(millisecond)
    }

    /// Parses `yyyy-MM-dd` into days since 1970.
    static func parseDate(_ text: Substring) -> Int32? {
        let b = Array(text.utf8)
        guard b.count == 10, let days = parseDatePrefix(b) else { return nil }
        return Int32(days)
    }

    private static func parseDatePrefix(_ b: [UInt8]) -> Int? {
        guard b.count >= 10, let year = number(b, 0, 4), b[4] == UInt8(ascii: "-"), let month = number(b, 5, 2),
              b[7] == UInt8(ascii: "-"), let day = number(b, 8, 2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        let result = days(year: year, month: month, day: day)
        guard civil(days: result) == (year, month, day) else { return nil }
        return result
    }

    private static func number(_ b: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start + count <= b.count else { return nil }
        var value = 0
        for index in start..<(start + count) {
            guard (48...57).contains(b[index]) else { return nil }
            value = value * 10 + Int(b[index] - 48)
        }
        return value
    }

    /// The delta-token timestamp form `MM/dd/yyyy HH:mm:ss` (UTC).
    static func formatTokenTimestamp(milliseconds: Int64) -> String {
        let iso = format(milliseconds: milliseconds)  // yyyy-MM-ddTHH:mm:ssZ
        let p = Array(iso)
        return "\(String(p[5...6]))/\(String(p[8...9]))/\(String(p[0...3])) \(String(p[11...18]))"
    }

    static func parseTokenTimestamp(_ text: Substring) -> Int64? {
        let parts = text.split(separator: " ")
        guard parts.count == 2 else { return nil }
        let date = parts[0].split(separator: "/")
        guard date.count == 3, date[0].count == 2, date[1].count == 2, date[2].count == 4 else { return nil }
        return parseDateTime("\(date[2])-\(date[0])-\(date[1])T\(parts[1])Z")
    }
}
