/// A LIKE pattern: `%` any run, `_` one character, `\%` and `\_` literal;
/// matched case-insensitively, as SOQL does.
struct SOQLLikePattern: Sendable {
    enum Element: Sendable, Equatable {
        case character(Character)
        case anyOne
        case anyRun
    }

    let elements: [Element]

    /// `body` is the raw string literal body (escapes not yet decoded).
    init(literalBody body: String) {
        var elements: [Element] = []
        var characters = Array(body)[...]
        while let character = characters.popFirst() {
            switch character {
            case "%": elements.append(.anyRun)
            case "_": elements.append(.anyOne)
            case "\\":
                guard let escaped = characters.popFirst() else { break }
                if escaped == "u", let scalar = SOQLStringLiteral.unicodeEscape(&characters) {
                    elements.append(.character(Character(scalar)))
                } else {
                    elements.append(.character(SOQLStringLiteral.unescaped(escaped)))
                }
            default:
                elements.append(.character(character))
            }
        }
        self.elements = elements.map { element in
            if case .character(let character) = element { return .character(Character(character.lowercased())) }
            return element
        }
    }

    func matches(_ text: String) -> Bool {
        let characters = Array(text.lowercased())
        // Iterative wildcard matching with single-star backtracking.
        var textIndex = 0
        var patternIndex = 0
        var starPattern = -1
        var starText = 0
        while textIndex < characters.count {
            if patternIndex < elements.count {
                switch elements[patternIndex] {
                case .anyRun:
                    starPattern = patternIndex
                    starText = textIndex
                    patternIndex += 1
                    continue
                case .anyOne:
                    textIndex += 1
                    patternIndex += 1
                    continue
                case .character(let expected) where expected == characters[textIndex]:
                    textIndex += 1
                    patternIndex += 1
                    continue
                default:
                    break
                }
            }
            guard starPattern >= 0 else { return false }
            patternIndex = starPattern + 1
            starText += 1
            textIndex = starText
        }
        while patternIndex < elements.count, elements[patternIndex] == .anyRun { patternIndex += 1 }
        return patternIndex == elements.count
    }
}
