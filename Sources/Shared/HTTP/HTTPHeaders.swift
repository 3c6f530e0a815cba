/// HTTP header fields in the order they were added or received.
///
/// Names compare case-insensitively (ASCII), as HTTP requires; the spelling a
/// header was added with is kept for the wire. A name may occur more than once.
public struct HTTPHeaders: Sendable, Sequence {
    public typealias Element = (name: String, value: String)

    private var fields: [Element]

    public init(_ pairs: [(String, String)] = []) {
        self.fields = pairs.map { (name: $0.0, value: $0.1) }
    }

    /// The first value of `name`, or nil when the header is absent.
    public subscript(name: String) -> String? {
        fields.first { Self.sameName($0.name, name) }?.value
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        fields.filter { Self.sameName($0.name, name) }.map(\.value)
    }

    /// Whether at least one field is named `name`.
    public func contains(_ name: String) -> Bool {
        fields.contains { Self.sameName($0.name, name) }
    }

    /// Appends a field, keeping any existing fields of the same name.
    public mutating func add(_ name: String, _ value: String) {
        fields.append((name: name, value: value))
    }

    /// Sets `name` to exactly one value: the first field of that name keeps its
    /// place with the new value, later ones are removed; appended when absent.
    public mutating func replace(_ name: String, _ value: String) {
        guard let first = fields.firstIndex(where: { Self.sameName($0.name, name) }) else {
            add(name, value)
            return
        }
        fields[first] = (name: name, value: value)
        var index = fields.index(after: first)
        while index < fields.endIndex {
            if Self.sameName(fields[index].name, name) {
                fields.remove(at: index)
            } else {
                index = fields.index(after: index)
            }
        }
    }

    /// Removes every field named `name`.
    public mutating func remove(_ name: String) {
        fields.removeAll { Self.sameName($0.name, name) }
    }

    /// Appends ` text` to the last field's value (obsolete header line folding).
    mutating func extendLastValue(with text: String) {
        guard !fields.isEmpty else { return }
        fields[fields.count - 1].value += " " + text
    }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    public func makeIterator() -> IndexingIterator<[Element]> {
        fields.makeIterator()
    }

    /// ASCII case-insensitive comparison of header names, without allocating.
    static func sameName(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.utf8
        let right = rhs.utf8
        guard left.count == right.count else { return false }
        for (l, r) in zip(left, right) where asciiLower(l) != asciiLower(r) {
            return false
        }
        return true
    }

    private static func asciiLower(_ byte: UInt8) -> UInt8 {
        (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
    }
}

extension HTTPHeaders: ExpressibleByDictionaryLiteral {
    /// `["Accept": "application/json"]`, in literal order.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }
}

extension HTTPHeaders: Equatable {
    /// Same fields in the same order; names compared case-insensitively.
    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return zip(lhs.fields, rhs.fields).allSatisfy {
            sameName($0.name, $1.name) && $0.value == $1.value
        }
    }
}

extension HTTPHeaders: CustomStringConvertible {
    /// Names only: header values can carry credentials and never reach a log.
    public var description: String {
        "HTTPHeaders(\(fields.map(\.name).joined(separator: ", ")))"
    }
}
