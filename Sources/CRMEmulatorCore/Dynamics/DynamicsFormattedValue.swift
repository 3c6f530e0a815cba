import Foundation

/// `OData.Community.Display.V1.FormattedValue` texts, as an en-US user in UTC sees them.
enum DynamicsFormattedValue {
    static func text(_ value: DynamicsValue, type: DynamicsFieldType, lookupNames: [UUID: String]) -> String? {
        switch (value, type) {
        case let (.boolean(flag), .boolean(yes, no)):
            return flag ? yes : no
        case let (.integer(number), .picklist(_, options)):
            return options[number]
        case let (.integer(number), _):
            return grouped(String(number.magnitude), negative: number < 0)
        case let (.decimal(number), .money):
            return "$" + twoDecimals(number)
        case let (.decimal(number), _):
            return twoDecimals(number)
        case let (.dateTime(ms), _):
            let iso = DynamicsDateTime.format(milliseconds: ms)
            let parts = Array(iso.utf8)
            let hour = Int(parts[11] - 48) * 10 + Int(parts[12] - 48)
            let minute = String(decoding: parts[14...15], as: UTF8.self)
            let hour12 = hour % 12 == 0 ? 12 : hour % 12
            return "\(shortDate(iso)) \(hour12):\(minute) \(hour < 12 ? "AM" : "PM")"
        case let (.date(days), _):
            return shortDate(DynamicsDateTime.format(days: days))
        case let (.lookup(lookup), _):
            return lookupNames[lookup.id]
        default:
            return nil
        }
    }

    /// `2023-04-07…` → `4/7/2023`.
    private static func shortDate(_ iso: String) -> String {
        let p = Array(iso.utf8)
        let month = Int(p[5] - 48) * 10 + Int(p[6] - 48)
        let day = Int(p[8] - 48) * 10 + Int(p[9] - 48)
        return "\(month)/\(day)/\(String(decoding: p[0...3], as: UTF8.self))"
    }

    private static func twoDecimals(_ number: Double) -> String {
        let cents = Int64((abs(number) * 100).rounded())
        let fraction = cents % 100
        return grouped(String(cents / 100), negative: number < 0) + "." + (fraction < 10 ? "0" : "") + String(fraction)
    }

    private static func grouped(_ digits: String, negative: Bool) -> String {
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (negative ? "-" : "") + out
    }
}
