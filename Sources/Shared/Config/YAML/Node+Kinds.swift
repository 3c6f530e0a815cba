import Yams

extension Node {
    /// The resolved tag's name (Yams keeps `Tag.name` internal; its description is the name).
    private var tagName: String { tag.description }

    /// A plain `null`, `~` or empty value (a quoted `'null'` is text).
    var isNullScalar: Bool {
        guard case .scalar(let scalar) = self, scalar.style == .plain else {
            return false
        }
        return tagName == Tag.Name.null.rawValue
    }

    var isBoolScalar: Bool { tagName == Tag.Name.bool.rawValue }

    var isIntScalar: Bool { tagName == Tag.Name.int.rawValue }
}
