/// A cursor over ASCII bytes for the date parsers.
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

    mutating func readDate() -> Int? {
        guard let year = readNumber(digits: 4), consume(UInt8(ascii: "-")),
              let month = readNumber(digits: 2), consume(UInt8(ascii: "-")),
              let day = readNumber(digits: 2),
              SalesforceDateTime.isValid(year: year, month: month, day: day)
        else { return nil }
        return SalesforceDateTime.daysFromCivil(year: year, month: month, day: day)
    }

    /// `Z`, `+hh:mm`, `-hh:mm`, `+hhmm` (a space stands for a form-decoded `+`).
    mutating func readZone() -> Int? {
        if consume(UInt8(ascii: "Z")) { return 0 }
        let sign: Int
        if consume(UInt8(ascii: "+")) || consume(UInt8(ascii: " ")) {
            sign = 1
        } else if consume(UInt8(ascii: "-")) {
            sign = -1
        } else {
            return nil
        }
        guard let hours = readNumber(digits: 2) else { return nil }
        _ = consume(UInt8(ascii: ":"))
        guard let minutes = readNumber(digits: 2), hours < 24, minutes < 60 else { return nil }
        return sign * (hours * 3600 + minutes * 60)
    }
}
