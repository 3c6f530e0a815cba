/// A JSON number kept exactly as its literal text, so no digit is lost between a CRM
/// and Campaign (a 20-digit id or `0.1` stays what it was).
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The literal, valid by JSON's grammar (`-12`, `0.5`, `1e+20`).
    public let text: String

    /// A number from its JSON literal text; `nil` when the text is not a JSON number.
    public init?(_ text: String) {
        var copy = text
        let valid = copy.withUTF8 { Self.isValidLiteral($0) }
        guard valid else {
            return nil
        }
        self.text = text
    }

    public init(_ value: Int64) {
        text = String(value)
    }

    public init(_ value: Int) {
        text = String(value)
    }

    /// `nil` for NaN and infinities, which JSON cannot hold.
    public init?(_ value: Double) {
        guard value.isFinite else {
            return nil
        }
        text = String(value)
    }

    /// Only for text already checked by a parser.
    package init(unchecked text: String) {
        self.text = text
    }

    public var description: String { text }

    /// The value as an integer when the literal is one and it fits.
    public var int64Value: Int64? { Int64(text) }

    /// The value as a double (may round).
    public var doubleValue: Double? { Double(text) }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    static func isValidLiteral(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        numberLength(bytes, from: 0) == bytes.count && !bytes.isEmpty
    }

    /// The length of the JSON number starting at `start`, or `nil` when none starts there.
    static func numberLength(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        let count = bytes.count
        func isDigit(_ i: Int) -> Bool {
            i < count && bytes[i] >= UInt8(ascii: "0") && bytes[i] <= UInt8(ascii: "9")
        }
        if index < count, bytes[index] == UInt8(ascii: "-") {
            index += 1
        }
        guard isDigit(index) else {
            return nil
        }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while isDigit(index) {
                index += 1
            }
        }
        if index < count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard isDigit(index) else {
                return nil
            }
            while isDigit(index) {
                index += 1
            }
        }
        if index < count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard isDigit(index) else {
                return nil
            }
            while isDigit(index) {
                index += 1
            }
        }
        return index - start
    }
}
