/// Literals for Dynamics 365 Web API query options. The whole option is URL-encoded
/// afterwards by the HTTP layer; these only make the OData text itself safe.
public enum ODataLiteral {
    /// A quoted OData string: `O'Bryan` → `'O''Bryan'`.
    public static func string(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// An unquoted OData GUID literal, or `nil` when `value` is not a GUID
    /// (`8-4-4-4-12` hex digits) — ids from an upstream population are checked here
    /// before they reach a `$filter`.
    public static func guid(_ value: String) -> String? {
        let groups = value.split(separator: "-", omittingEmptySubsequences: false)
        let lengths = [8, 4, 4, 4, 12]
        guard groups.count == lengths.count,
              zip(groups, lengths).allSatisfy({ group, length in
                  group.count == length && group.unicodeScalars.allSatisfy(\.properties.isASCIIHexDigit)
              }) else {
            return nil
        }
        return value.lowercased()
    }
}
