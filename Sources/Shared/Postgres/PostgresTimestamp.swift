import CoreValues
import Foundation

/// Parsing and printing of PostgreSQL ISO timestamps without DateFormatter (exact and
/// locale-free): `YYYY-MM-DD[ T]HH:MM:SS[.ffffff][Z|±HH[:MM[:SS]]]`.
public enum PostgresTimestamp {
    /// The instant the text names, or `nil` when it is not an ISO timestamp (for example
    /// `infinity` or a BC date).
    public static func parse(_ text: String) -> Date? {
        var scanner = Scanner(Array(text.utf8))
        guard let year = scanner.number(minDigits: 4, maxDigits: 7), scanner.take("-"),
              let month = scanner.number(minDigits: 2, maxDigits: 2), scanner.take("-"),
              let day = scanner.number(minDigits: 2, maxDigits: 2),
              (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var seconds = Double(CivilCalendar.days(year: year, month: month, day: day)) * 86_400
        if scanner.take(" ") || scanner.take("T") {
            guard let hour = scanner.number(minDigits: 2, maxDigits: 2), scanner.take(":"),
                  let minute = scanner.number(minDigits: 2, maxDigits: 2), scanner.take(":"),
                  let second = scanner.number(minDigits: 2, maxDigits: 2),
                  hour <= 24, minute < 60, second <= 60
            else { return nil }
            seconds += Double(hour * 3600 + minute * 60 + second)
            if scanner.take(".") {
                let start = scanner.position
                guard let fraction = scanner.number(minDigits: 1, maxDigits: 9) else { return nil }
                seconds += Double(fraction) / pow(10, Double(scanner.position - start))
            }
        }
        if scanner.take("Z") {
            // UTC
        } else if let sign = scanner.sign() {
            guard let hours = scanner.number(minDigits: 2, maxDigits: 2) else { return nil }
            var offset = hours * 3600
            if scanner.take(":") {
                guard let minutes = scanner.number(minDigits: 2, maxDigits: 2) else { return nil }
                offset += minutes * 60
                if scanner.take(":") {
                    guard let secs = scanner.number(minDigits: 2, maxDigits: 2) else { return nil }
                    offset += secs
                }
            }
            seconds -= Double(sign * offset)
        }
        guard scanner.atEnd else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }

    /// Prints `date` as `timestamptz` input text in UTC with microseconds:
    /// `2026-01-02 03:04:05.123456+00`.
    public static func format(_ date: Date) -> String {
        let totalMicros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        let (days, remainder) = CivilCalendar.split(Int64(totalMicros), unitsPerDay: 86_400_000_000)
        let (year, month, day) = CivilCalendar.civil(days: days)
        let secondsOfDay = Int(remainder / 1_000_000)
        let fraction = Int(remainder % 1_000_000)
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2)) "
            + "\(pad(secondsOfDay / 3600, 2)):\(pad(secondsOfDay / 60 % 60, 2)):\(pad(secondsOfDay % 60, 2))"
            + ".\(pad(fraction, 6))+00"
    }

    private struct Scanner {
        let bytes: [UInt8]
        var position = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { position == bytes.count }

        mutating func take(_ character: Character) -> Bool {
            guard let ascii = character.asciiValue, position < bytes.count, bytes[position] == ascii
            else { return false }
            position += 1
            return true
        }

        mutating func sign() -> Int? {
            if take("+") { return 1 }
            if take("-") { return -1 }
            return nil
        }

        mutating func number(minDigits: Int, maxDigits: Int) -> Int? {
            var value = 0
            var count = 0
            while position < bytes.count, count < maxDigits, (48...57).contains(bytes[position]) {
                value = value * 10 + Int(bytes[position] - 48)
                position += 1
                count += 1
            }
            return count >= minDigits ? value : nil
        }
    }
}
