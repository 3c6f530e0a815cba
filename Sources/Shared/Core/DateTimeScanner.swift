/// The byte-level parser behind `DateTimeText.parse`.
struct DateTimeScanner {
    typealias ParseError = DateTimeText.ParseError

    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func parse(leniency: DateTimeText.Leniency) throws(ParseError) -> DateTimeText {
        if bytes.isEmpty {
            throw ParseError(reason: "empty value")
        }
        let year = try digits(4, "the year (4 digits)")
        try literal("-", "'-' after the year")
        let month = try digits(2, "the month (2 digits)")
        try literal("-", "'-' after the month")
        let day = try digits(2, "the day (2 digits)")
        guard (1...12).contains(month) else {
            throw ParseError(reason: "month \(month) is out of range 01-12")
        }
        guard year >= 1 else {
            throw ParseError(reason: "year 0000 is out of range")
        }
        let monthDays = CivilCalendar.daysInMonth(year: year, month: month)
        guard (1...monthDays).contains(day) else {
            throw ParseError(reason: "day \(day) is out of range for \(year)-\(twoDigits(month)) (1-\(monthDays))")
        }
        var result = DateTimeText(year: year, month: month, day: day)
        if index == bytes.count {
            guard leniency.dateOnly else {
                throw ParseError(reason: "a time is required after the date (like T03:04:05Z)")
            }
            return result
        }
        let separator = bytes[index]
        let lenientSeparator = separator == UInt8(ascii: "t") || separator == UInt8(ascii: " ")
        guard separator == UInt8(ascii: "T") || (leniency.spaceSeparator && lenientSeparator) else {
            throw ParseError(reason: "expected 'T' between date and time at position \(index + 1)")
        }
        index += 1
        result.time = try time(leniency: leniency)
        result.offsetSeconds = try offset(leniency: leniency)
        if index != bytes.count {
            throw ParseError(reason: "unexpected character at position \(index + 1) after the date-time")
        }
        return result
    }

    private mutating func time(leniency: DateTimeText.Leniency) throws(ParseError) -> DateTimeText.Time {
        let hour = try digits(2, "the hour (2 digits)")
        try literal(":", "':' after the hour")
        let minute = try digits(2, "the minutes (2 digits)")
        var second = 0
        var fraction = ""
        if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
            index += 1
            second = try digits(2, "the seconds (2 digits)")
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ",") {
                index += 1
                let start = index
                while index < bytes.count, isDigit(bytes[index]) {
                    index += 1
                }
                guard index > start else {
                    throw ParseError(reason: "expected fraction digits after the decimal point")
                }
                guard index - start <= 9 else {
                    throw ParseError(reason: "more than 9 fraction digits")
                }
                fraction = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            }
        } else if !leniency.missingSeconds {
            throw ParseError(reason: "expected ':' and the seconds after the minutes")
        }
        guard hour <= 23 else {
            throw ParseError(reason: "hour \(hour) is out of range 00-23")
        }
        guard minute <= 59 else {
            throw ParseError(reason: "minute \(minute) is out of range 00-59")
        }
        guard second <= 59 else {
            throw ParseError(reason: "second \(second) is out of range 00-59 (leap seconds are not supported)")
        }
        return DateTimeText.Time(hour: hour, minute: minute, second: second, fraction: fraction)
    }

    private mutating func offset(leniency: DateTimeText.Leniency) throws(ParseError) -> Int? {
        guard index < bytes.count else {
            guard leniency.missingOffset else {
                throw ParseError(reason: "a time zone is required at the end (Z or an offset like +02:00)")
            }
            return nil
        }
        let sign = bytes[index]
        if sign == UInt8(ascii: "Z") || sign == UInt8(ascii: "z") {
            index += 1
            return 0
        }
        guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else {
            throw ParseError(reason: "unexpected character at position \(index + 1): expected Z or an offset like +02:00")
        }
        index += 1
        let hours = try digits(2, "the offset hours (2 digits)")
        var minutes = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
            index += 1
            minutes = try digits(2, "the offset minutes (2 digits)")
        } else if index < bytes.count {
            guard leniency.compactOffset else {
                throw ParseError(reason: "expected ':' in the offset (like +02:00)")
            }
            minutes = try digits(2, "the offset minutes (2 digits)")
        } else if !leniency.compactOffset {
            throw ParseError(reason: "expected ':' and minutes in the offset (like +02:00)")
        }
        guard hours <= 23, minutes <= 59 else {
            throw ParseError(reason: "offset out of range (hours 00-23, minutes 00-59)")
        }
        let seconds = hours * 3600 + minutes * 60
        return sign == UInt8(ascii: "-") ? -seconds : seconds
    }

    private mutating func digits(_ count: Int, _ what: String) throws(ParseError) -> Int {
        var value = 0
        for _ in 0..<count {
            guard index < bytes.count, isDigit(bytes[index]) else {
                if index >= bytes.count {
                    throw ParseError(reason: "ends early: expected \(what)")
                }
                throw ParseError(reason: "expected \(what) at position \(index + 1)")
            }
            value = value * 10 + Int(bytes[index] &- UInt8(ascii: "0"))
            index += 1
        }
        return value
    }

    private mutating func literal(_ character: Unicode.Scalar, _ what: String) throws(ParseError) {
        guard index < bytes.count else {
            throw ParseError(reason: "ends early: expected \(what)")
        }
        guard bytes[index] == UInt8(ascii: character) else {
            throw ParseError(reason: "expected \(what) at position \(index + 1)")
        }
        index += 1
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
