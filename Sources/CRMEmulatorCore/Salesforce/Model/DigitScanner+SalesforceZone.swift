/// Salesforce's lenient zone suffix of a datetime.
extension DigitScanner {
    /// `Z`, `+hh:mm`, `-hh:mm`, `+hhmm` (a space stands for a form-decoded `+`), in seconds
    /// east of UTC.
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
