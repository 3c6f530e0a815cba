/// Durations as written in the config: one or more `<number><unit>` parts with units
/// `ms`, `s`, `m`, `h`, `d` — `30s`, `5m`, `1h30m`, `500ms`, `1.5s`.
public enum DurationText {
    public struct ParseError: Error, Sendable, Equatable {
        public var message: String
    }

    public static func parse(_ text: String) -> Result<Duration, ParseError> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let failure = ParseError(
            message: "\"\(trimmed)\" is not a duration (write a number and a unit: 500ms, 30s, 5m, 1h, 1d, or 1h30m)")
        var scalars = Substring(trimmed).unicodeScalars[...]
        guard !scalars.isEmpty else {
            return .failure(failure)
        }
        var total = Duration.zero
        while !scalars.isEmpty {
            let number = scalars.prefix { ("0"..."9").contains($0) || $0 == "." }
            scalars = scalars.dropFirst(number.count)
            let unit = scalars.prefix { ("a"..."z").contains($0) }
            scalars = scalars.dropFirst(unit.count)
            guard let value = Double(String(String.UnicodeScalarView(number))), value.isFinite else {
                return .failure(failure)
            }
            let milliseconds: Double
            switch String(String.UnicodeScalarView(unit)) {
            case "ms": milliseconds = value
            case "s": milliseconds = value * 1000
            case "m": milliseconds = value * 60_000
            case "h": milliseconds = value * 3_600_000
            case "d": milliseconds = value * 86_400_000
            default: return .failure(failure)
            }
            guard milliseconds < 1e13 else {
                return .failure(failure)
            }
            total += .milliseconds(Int64(milliseconds.rounded()))
        }
        return .success(total)
    }

    /// The shortest text that parses back to `duration` (`30s`, `1m30s`, `250ms`).
    public static func format(_ duration: Duration) -> String {
        var milliseconds = duration.components.seconds * 1000
            + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds == 0 {
            return "0s"
        }
        var text = ""
        for (unit, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)]
        where milliseconds >= size {
            text += "\(milliseconds / size)\(unit)"
            milliseconds %= size
        }
        return text
    }
}
