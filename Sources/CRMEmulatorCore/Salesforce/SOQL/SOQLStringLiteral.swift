/// Decoding of SOQL string literal bodies.
enum SOQLStringLiteral {
    static func decode(_ body: String) -> String {
        var result = ""
        var characters = Array(body)[...]
        while let character = characters.popFirst() {
            guard character == "\\", let escaped = characters.popFirst() else {
                result.append(character)
                continue
            }
            if escaped == "u", let scalar = unicodeEscape(&characters) {
                result.unicodeScalars.append(scalar)
            } else {
                result.append(unescaped(escaped))
            }
        }
        return result
    }

    static func unescaped(_ escaped: Character) -> Character {
        switch escaped {
        case "n": "\n"
        case "r": "\r"
        case "t": "\t"
        case "b": "\u{08}"
        case "f": "\u{0C}"
        default: escaped
        }
    }

    static func unicodeEscape(_ characters: inout ArraySlice<Character>) -> Unicode.Scalar? {
        let hex = String(characters.prefix(4))
        guard hex.count == 4, let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else { return nil }
        characters = characters.dropFirst(4)
        return scalar
    }
}
