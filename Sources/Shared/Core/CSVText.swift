import Foundation

/// RFC 4180 CSV as Salesforce Bulk API 2.0 speaks it (comma, LF line ends, `"` quoting
/// with doubled quotes inside): rows to text and text to rows.
public enum CSVText {
    /// One line per row, every field quoted (a quoted empty field stays empty).
    public static func encode(_ rows: [[String]]) -> String {
        var out = ""
        for row in rows {
            out += row.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ",")
            out += "\n"
        }
        return out
    }

    /// The rows of `text`; nil when a quote is left open. CRLF is read as LF.
    public static func decode(_ text: String) -> [[String]]? {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var afterQuote = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = iterator.next()
        while let scalar = pending {
            pending = iterator.next()
            if quoted {
                if scalar == "\"" {
                    if pending == "\"" {
                        field.unicodeScalars.append("\"")
                        pending = iterator.next()
                    } else {
                        quoted = false
                        afterQuote = true
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty && !afterQuote:
                quoted = true
            case ",":
                row.append(field)
                field = ""
                afterQuote = false
            case "\r" where pending == "\n":
                continue
            case "\n":
                row.append(field)
                rows.append(row)
                row = []
                field = ""
                afterQuote = false
            default:
                field.unicodeScalars.append(scalar)
            }
        }
        if quoted { return nil }
        if !field.isEmpty || !row.isEmpty || afterQuote {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}
