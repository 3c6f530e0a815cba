import CoreValues

/// A cursor over ASCII bytes for the date parsers of both CRMs.
struct DigitScanner {
    private let bytes: [UInt8]
    private(set) var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { position == bytes.count }

    mutating func consume(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    mutating func readDigit() -> Int? {
        guard position < bytes.count, bytes[position] >= 48, bytes[position] <= 57 else { return nil }
        position += 1
        return Int(bytes[position - 1] - 48)
    }

    mutating func readNumber(digits: Int) -> Int? {
        var value = 0
        for _ in 0..<digits {
            guard let digit = readDigit() else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    /// An optional `.` and fraction of a second as milliseconds (digits past the third are
    /// read and dropped): 0 without a `.`, nil for a `.` without digits.
    mutating func readFractionMilliseconds() -> Int? {
        guard consume(UInt8(ascii: ".")) else { return 0 }
        var milliseconds = 0
        var scale = 100
        var count = 0
        while let digit = readDigit() {
            milliseconds += digit * scale
            scale /= 10
            count += 1
        }
        return count > 0 ? milliseconds : nil
    }

    /// `yyyy-MM-dd` as days since 1970-01-01; nil when it is not a date that exists.
    mutating func readDate() -> Int? {
        guard let year = readNumber(digits: 4), consume(UInt8(ascii: "-")),
              let month = readNumber(digits: 2), consume(UInt8(ascii: "-")),
              let day = readNumber(digits: 2),
              CivilCalendar.isValid(year: year, month: month, day: day)
        else { return nil }
        return CivilCalendar.days(year: year, month: month, day: day)
    }
}
