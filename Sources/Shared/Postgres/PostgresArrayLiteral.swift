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
            // Most values need no escape: append them whole (appending scalar by scalar
            // was a quarter of the ingress writer's CPU).
            if value.utf8.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                for ch in value.unicodeScalars {
                    if ch == "\"" || ch == "\\" { out.append("\\") }
                    out.unicodeScalars.append(ch)
                }
            } else {
                out.append(value)
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
