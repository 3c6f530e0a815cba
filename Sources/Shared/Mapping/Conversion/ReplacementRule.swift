import CoreValues

/// An exact-match value replacement, applied before the field's conversion:
/// `{from: "N/A", to: null}` turns the text `N/A` into null.
public struct ReplacementRule: Sendable, Equatable {
    /// The value matched, compared with the value's text (`FieldValue.text`): strings as
    /// they are, numbers as their literal, booleans as `true`/`false`; `nil` matches null.
    public var from: String?
    /// The replacement text; `nil` gives null.
    public var to: String?

    public init(from: String?, to: String?) {
        self.from = from
        self.to = to
    }
}

extension Array where Element == ReplacementRule {
    /// The value after the first rule that matches it (case-sensitive, whole value);
    /// the value itself when none does.
    public func apply(to value: FieldValue) -> FieldValue {
        let text = value.text
        guard let rule = first(where: { $0.from == text }) else {
            return value
        }
        return rule.to.map(FieldValue.string) ?? .null
    }
}
