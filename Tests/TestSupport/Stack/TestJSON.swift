import Foundation

/// A JSON value as a test reads it from a CRM answer, independently of the product's
/// own JSON code: strings, numbers, booleans, null (objects and arrays are kept as null).
public enum TestJSON: Sendable, Equatable, Decodable, CustomStringConvertible {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    /// Strings first: most CRM values are text, and every kind tried in vain throws (and
    /// builds) a decoding error, millions of them when the chaos suite reads 200,000
    /// contacts. JSONDecoder never turns one JSON kind into another, so the order does not
    /// change what a value decodes to.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else {
            self = .null
        }
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var description: String {
        switch self {
        case .string(let text): "\"\(text)\""
        case .number(let value): "\(value)"
        case .bool(let value): "\(value)"
        case .null: "null"
        }
    }

    /// Whether Campaign's text for a column (`column::text`, session in UTC) holds this
    /// CRM value: same text, same instant for date-times, same number, same boolean.
    public func matches(campaign text: String?) -> Bool {
        switch self {
        case .null:
            return text == nil
        case .bool(let value):
            return text == (value ? "true" : "false")
        case .number(let value):
            guard let text, let number = Double(text) else { return false }
            return abs(number - value) < 1e-6
        case .string(let value):
            guard let text else { return false }
            if value == text { return true }
            if let crm = TestJSON.instant(value), let campaign = TestJSON.instant(text) { return crm == campaign }
            return false
        }
    }

    /// Parses `2024-03-31T01:30:00Z`, `…T01:30:00.000+0000`, `2024-03-31 01:30:00+00`
    /// to milliseconds since 1970; nil for anything else (a date alone included).
    public static func instant(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[range] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard bytes.count >= 19, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19) else { return nil }
        var index = 19
        var millis = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            var scale = 100
            index += 1
            while index < bytes.count, (48...57).contains(bytes[index]) {
                millis += Int(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        var offset = 0
        if index < bytes.count, bytes[index] != UInt8(ascii: "Z") {
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            let digits = bytes[(index + 1)...].filter { $0 != UInt8(ascii: ":") }
            let hours = digits.count >= 2 ? Int(digits[0] - 48) * 10 + Int(digits[1] - 48) : 0
            let minutes = digits.count >= 4 ? Int(digits[2] - 48) * 10 + Int(digits[3] - 48) : 0
            offset = sign * (hours * 3600 + minutes * 60)
        }
        var components = DateComponents()
        components.year = year; components.month = month; components.day = day
        components.hour = hour; components.minute = minute; components.second = second
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        guard let date = calendar.date(from: components) else { return nil }
        return (Int64(date.timeIntervalSince1970) - Int64(offset)) * 1000 + Int64(millis)
    }
}
