/// Text-format array literals for `unnest($1::text[], …)` parameters: one
/// parameter carries a whole column, so a batch is one statement whatever its size.
public enum PostgresArrayLiteral {
    /// `{"a","b\"c",NULL}`: every element quoted, `"` and `\` escaped, nil as NULL.
    public static func text<S: Sequence>(_ values: S) -> String where S.Element == String? {
        var out = "{"
        var first = true
        for value in values {
            if !first { out.append(",") }
            first = false
            guard let value else { out.append("NULL"); continue }
            out.append("\"")
            for ch in value.unicodeScalars {
                if ch == "\"" || ch == "\\" { out.append("\\") }
                out.unicodeScalars.append(ch)
            }
            out.append("\"")
        }
        out.append("}")
        return out
    }

    public static func text<S: Sequence>(_ values: S) -> String where S.Element == String {
        text(values.lazy.map { Optional($0) })
    }
}
