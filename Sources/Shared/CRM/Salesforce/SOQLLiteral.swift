/// Literals for Salesforce SOQL. Strings use SOQL's backslash escapes.
public enum SOQLLiteral {
    /// A quoted SOQL string: `O'Bryan` → `'O\'Bryan'`, `a\b` → `'a\\b'`.
    public static func string(_ value: String) -> String {
        "'" + escaped(value, like: false) + "'"
    }

    /// A `LIKE` pattern matching values that start with `prefix`: the LIKE wildcards
    /// `%` and `_` in the prefix are escaped, then `%` is appended: `50%` → `'50\%%'`.
    public static func likePrefix(_ prefix: String) -> String {
        "'" + escaped(prefix, like: true) + "%'"
    }

    private static func escaped(_ value: String, like: Bool) -> String {
        var result = ""
        result.reserveCapacity(value.utf8.count + 2)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "'": result += "\\'"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case "%" where like: result += "\\%"
            case "_" where like: result += "\\_"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
