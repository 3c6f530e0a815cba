import CoreValues

/// Dataverse's wire forms for time: `Edm.DateTimeOffset` as `2023-04-07T21:59:01Z` (UTC,
/// second precision) and `Edm.Date` as `2024-01-02`. Values are kept as milliseconds since
/// 1970 (date-times) and days since 1970 (dates), see `CivilCalendar`.
enum DynamicsDateTime {
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
        let secondOfDay = CivilCalendar.millisecondOfDay(milliseconds) / 1000
        appendDate(CivilCalendar.days(of: milliseconds), to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        appendTwoDigits(secondOfDay / 3600, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendTwoDigits(secondOfDay / 60 % 60, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendTwoDigits(secondOfDay % 60, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
    }

    static func appendDate(_ days: Int, to bytes: inout [UInt8]) {
        let (year, month, day) = CivilCalendar.civil(days: days)
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

    /// Parses `yyyy-MM-dd(T| )HH:mm[:ss[.fff]](Z|z|±hh:mm)` into milliseconds since 1970 (UTC).
    static func parseDateTime(_ text: Substring) -> Int64? {
        var scanner = DigitScanner(Array(text.utf8))
        guard let days = scanner.readDate(), scanner.consume(UInt8(ascii: "T")) || scanner.consume(UInt8(ascii: " ")),
              let hour = scanner.readNumber(digits: 2), scanner.consume(UInt8(ascii: ":")),
              let minute = scanner.readNumber(digits: 2), hour < 24, minute < 60
        else { return nil }
        var second = 0
        var millisecond = 0
        if scanner.consume(UInt8(ascii: ":")) {
            guard let s = scanner.readNumber(digits: 2), s < 60, let fraction = scanner.readFractionMilliseconds() else { return nil }
            second = s
            millisecond = fraction
        }
        guard let offsetMinutes = readZone(&scanner), scanner.atEnd else { return nil }
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetMinutes * 60)
        return seconds * 1000 + Int64(millisecond)
    }

    /// `Z`, `z` or `±hh:mm` (the colon required), in minutes east of UTC.
    private static func readZone(_ scanner: inout DigitScanner) -> Int? {
        if scanner.consume(UInt8(ascii: "Z")) || scanner.consume(UInt8(ascii: "z")) { return 0 }
        let sign: Int
        if scanner.consume(UInt8(ascii: "+")) {
            sign = 1
        } else if scanner.consume(UInt8(ascii: "-")) {
            sign = -1
        } else {
            return nil
        }
        guard let hours = scanner.readNumber(digits: 2), scanner.consume(UInt8(ascii: ":")),
              let minutes = scanner.readNumber(digits: 2) else { return nil }
        return sign * (hours * 60 + minutes)
    }

    /// Parses `yyyy-MM-dd` into days since 1970.
    static func parseDate(_ text: Substring) -> Int32? {
        var scanner = DigitScanner(Array(text.utf8))
        guard let days = scanner.readDate(), scanner.atEnd else { return nil }
        return Int32(days)
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
