import Yams

/// One YAML mapping being read into a config struct: typed getters that report a problem
/// (with path and line) instead of failing, and fall back to the documented default so the
/// walk goes on and every problem is found in one pass. A key set to null counts as absent.
struct YAMLMapping {
    let reader: ConfigReader
    let path: ConfigPath
    let node: Node
    let values: [String: Node]

    /// The value of `key`, `nil` when absent or null.
    func value(_ key: String) -> Node? {
        guard let value = values[key] else {
            return nil
        }
        if value.isNullScalar {
            return nil
        }
        return value
    }

    func has(_ key: String) -> Bool {
        value(key) != nil
    }

    func reportMissing(_ key: String, _ hint: String = "") {
        reader.report(path.key(key), line: node.mark?.line, "missing required key \"\(key)\"" + hint)
    }

    func report(_ key: String, _ message: String) {
        reader.report(path.key(key), value(key) ?? values[key], message)
    }

    /// A scalar as text (`123` reads as `"123"`).
    func string(_ key: String, required: Bool = false) -> String? {
        guard let value = value(key) else {
            if required {
                reportMissing(key)
            }
            return nil
        }
        guard case .scalar(let scalar) = value else {
            reader.report(path.key(key), value, "expected a text value, found \(reader.kindName(value))")
            return nil
        }
        return scalar.string
    }

    /// A text that must not be empty once trimmed.
    func nonEmptyString(_ key: String, required: Bool = false) -> String? {
        guard let text = string(key, required: required) else {
            return nil
        }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            report(key, "must not be empty")
            return nil
        }
        return text
    }

    func bool(_ key: String, default fallback: Bool) -> Bool {
        guard let value = value(key) else {
            return fallback
        }
        guard value.isBoolScalar, let flag = value.bool else {
            reader.report(path.key(key), value, "expected true or false, found \(reader.kindName(value))")
            return fallback
        }
        return flag
    }

    func int(_ key: String, default fallback: Int, range: ClosedRange<Int>) -> Int {
        guard let value = value(key) else {
            return fallback
        }
        guard value.isIntScalar, let number = value.int else {
            reader.report(path.key(key), value, "expected a whole number, found \(reader.kindName(value))")
            return fallback
        }
        guard range.contains(number) else {
            reader.report(
                path.key(key), value,
                "\(number) is out of range (\(range.lowerBound)…\(range.upperBound))")
            return fallback
        }
        return number
    }

    /// A duration such as `30s`, `5m`, `1h30m`, `500ms`.
    func duration(_ key: String, default fallback: Duration, allowZero: Bool = false) -> Duration {
        guard let value = value(key) else {
            return fallback
        }
        guard case .scalar(let scalar) = value else {
            reader.report(path.key(key), value, "expected a duration like 30s, found \(reader.kindName(value))")
            return fallback
        }
        switch DurationText.parse(scalar.string) {
        case .success(let duration):
            guard allowZero || duration > .zero else {
                reader.report(path.key(key), value, "must be longer than zero")
                return fallback
            }
            return duration
        case .failure(let error):
            reader.report(path.key(key), value, error.message)
            return fallback
        }
    }

    /// One of an enum's raw values, case-sensitive; a near miss gets a hint.
    func choice<Choice: RawRepresentable & CaseIterable>(
        _ key: String, _ what: String, default fallback: Choice? = nil
    ) -> Choice? where Choice.RawValue == String {
        guard let text = string(key, required: fallback == nil) else {
            return fallback
        }
        if let choice = Choice(rawValue: text) {
            return choice
        }
        let names = Choice.allCases.map(\.rawValue)
        let expected = names.count == 2
            ? names.joined(separator: " or ")
            : names.dropLast().joined(separator: ", ") + ", " + (names.last ?? "")
        report(key, "unknown \(what) \"\(text)\" (expected \(expected))")
        return fallback
    }

    /// A name checked against `rule`.
    func identifier(_ key: String, _ rule: IdentifierRule, required: Bool = false) -> String? {
        guard let text = string(key, required: required) else {
            return nil
        }
        if let problem = rule.problem(with: text) {
            report(key, problem)
            return nil
        }
        return text
    }

    func mapping(_ key: String, keys: [String]) -> YAMLMapping? {
        guard let value = value(key) else {
            return nil
        }
        return reader.mapping(value, at: path.key(key), keys: keys)
    }

    func sequence(_ key: String) -> [(path: ConfigPath, node: Node)] {
        guard let value = value(key) else {
            return []
        }
        return reader.sequence(value, at: path.key(key))
    }
}
