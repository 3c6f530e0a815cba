/// A possibly schema-qualified SQL identifier (table, column, channel), always quoted when
/// put into SQL text, so any name is safe: `my "odd" name` becomes `"my ""odd"" name"`.
///
/// Names that come from configuration go through `init(validating:)`, which accepts only
/// plain names (letters, digits, underscores, not starting with a digit, at most 63 bytes)
/// and `schema.table`, and says which rule a bad name breaks.
public struct PostgresIdentifier: Sendable, Hashable, CustomStringConvertible {
    public let schema: String?
    public let name: String

    /// The longest identifier PostgreSQL keeps (NAMEDATALEN - 1 bytes).
    public static let maxLength = 63

    /// An identifier used as given (quoting makes it safe); the schema is optional.
    public init(_ name: String, schema: String? = nil) {
        self.name = name
        self.schema = schema
    }

    /// Parses and validates a configuration-provided `table` or `schema.table`.
    public init(validating text: String) throws {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 1 || parts.count == 2 else {
            throw PostgresError.invalidArgument(
                "identifier \"\(text)\" must be a name or schema.name", operation: "identifier")
        }
        for part in parts { try Self.validate(part) }
        self.schema = parts.count == 2 ? parts[0] : nil
        self.name = parts[parts.count - 1]
    }

    /// Checks one plain name: letters, digits and underscores, not starting with a digit.
    public static func validate(_ name: String) throws {
        guard !name.isEmpty else {
            throw PostgresError.invalidArgument("identifier must not be empty", operation: "identifier")
        }
        guard name.utf8.count <= maxLength else {
            throw PostgresError.invalidArgument(
                "identifier \"\(name.prefix(80))\" is longer than \(maxLength) bytes", operation: "identifier")
        }
        let isPlain = name.unicodeScalars.allSatisfy { scalar in
            scalar == "_" || (scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)))
        }
        guard isPlain else {
            throw PostgresError.invalidArgument(
                "identifier \"\(name)\" may only contain ASCII letters, digits and underscores",
                operation: "identifier")
        }
        if let first = name.unicodeScalars.first, ("0"..."9").contains(first) {
            throw PostgresError.invalidArgument(
                "identifier \"\(name)\" must not start with a digit", operation: "identifier")
        }
    }

    /// Quotes one name: wraps it in double quotes and doubles the quotes inside.
    public static func quote(_ name: String) -> String {
        var quoted = "\""
        for character in name {
            quoted.append(character)
            if character == "\"" { quoted.append("\"") }
        }
        return quoted + "\""
    }

    /// The quoted, possibly qualified form to put into SQL text.
    public var quoted: String {
        if let schema { return Self.quote(schema) + "." + Self.quote(name) }
        return Self.quote(name)
    }

    public var description: String { quoted }
}
