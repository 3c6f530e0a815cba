import Foundation

extension YAMLMapping {
    /// A share written as a percentage (`10%`, `12.5%`) or a fraction (`0.1`), within
    /// `range` (as a fraction).
    func share(_ key: String, default fallback: Double, range: ClosedRange<Double>) -> Double {
        guard let value = value(key) else {
            return fallback
        }
        let expected = "expected a share like 10% or 0.1"
        guard case .scalar(let scalar) = value else {
            reader.report(path.key(key), value, "\(expected), found \(reader.kindName(value))")
            return fallback
        }
        let text = scalar.string.trimmingCharacters(in: .whitespaces)
        let percent = text.hasSuffix("%")
        guard let number = Double(percent ? String(text.dropLast()).trimmingCharacters(in: .whitespaces) : text),
              number.isFinite else {
            reader.report(path.key(key), value, "\(expected), found \"\(text)\"")
            return fallback
        }
        let share = percent ? number / 100 : number
        guard range.contains(share) else {
            reader.report(path.key(key), value, "\(text) is out of range (\(Self.percent(range.lowerBound))…\(Self.percent(range.upperBound)))")
            return fallback
        }
        return share
    }

    private static func percent(_ share: Double) -> String {
        let value = share * 100
        return value == value.rounded() ? "\(Int(value))%" : "\(value)%"
    }
}
