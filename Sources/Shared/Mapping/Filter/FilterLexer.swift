import CoreValues

/// A token of the filter language, with its 1-based position in the text.
struct FilterToken: Equatable {
    enum Kind: Equatable {
        case field([String])
        case literal(FilterLiteral)
        case and, or, not
        case comparison(FilterComparison)
        case leftParenthesis, rightParenthesis, comma
    }

    var kind: Kind
    var position: Int
    /// The text as written, for messages.
    var text: String
}

/// Splits filter text into tokens; a character that starts no token is a syntax problem.
struct FilterLexer {
    private let scalars: [Unicode.Scalar]
    private var index = 0

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    static func tokens(_ text: String) -> Result<[FilterToken], FilterProblem> {
        var lexer = FilterLexer(text)
        var tokens: [FilterToken] = []
        do {
            while let token = try lexer.next() {
                tokens.append(token)
            }
            return .success(tokens)
        } catch {
            return .failure(error)
        }
    }

    private mutating func next() throws(FilterProblem) -> FilterToken? {
        while index < scalars.count, scalars[index].properties.isWhitespace {
            index += 1
        }
        guard index < scalars.count else {
            return nil
        }
        let start = index
        let scalar = scalars[index]
        switch scalar {
        case "(":
            index += 1
            return FilterToken(kind: .leftParenthesis, position: start + 1, text: "(")
        case ")":
            index += 1
            return FilterToken(kind: .rightParenthesis, position: start + 1, text: ")")
        case ",":
            index += 1
            return FilterToken(kind: .comma, position: start + 1, text: ",")
        case "'":
            return try string()
        case "-", "0"..."9":
            return try numeric()
        default:
            if isIdentifierStart(scalar) {
                return try word()
            }
            throw FilterProblem(.syntax, "unexpected character \(shown(String(scalar))) at position \(start + 1)")
        }
    }

    private mutating func string() throws(FilterProblem) -> FilterToken {
        let start = index
        index += 1
        var value = String.UnicodeScalarView()
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            if scalar == "'" {
                if index < scalars.count, scalars[index] == "'" {
                    value.append("'")
                    index += 1
                    continue
                }
                return FilterToken(
                    kind: .literal(.string(String(value))), position: start + 1, text: text(from: start))
            }
            value.append(scalar)
        }
        throw FilterProblem(
            .syntax, "the string starting at position \(start + 1) has no closing quote (write a quote as '')")
    }

    private mutating func numeric() throws(FilterProblem) -> FilterToken {
        let start = index
        index += 1
        while index < scalars.count, isNumericPart(scalars[index]) {
            index += 1
        }
        let written = text(from: start)
        if isNumber(written) {
            return FilterToken(kind: .literal(.number(written)), position: start + 1, text: written)
        }
        let leniency = DateTimeText.Leniency(
            dateOnly: true, spaceSeparator: false, missingOffset: false, compactOffset: false,
            missingSeconds: true)
        switch DateTimeText.parse(written, leniency: leniency) {
        case .success(let value):
            let literal: FilterLiteral = value.hasTime ? .dateTime(value) : .date(value)
            return FilterToken(kind: .literal(literal), position: start + 1, text: written)
        case .failure(let error):
            let looksLikeDate = written.count >= 5 && written.unicodeScalars.dropFirst(4).first == "-"
            let reason = looksLikeDate
                ? "a bad date or date-time (\(error.reason); expected 2024-01-02 or 2024-01-02T03:04:05Z)"
                : "not a number, a date or a date-time"
            throw FilterProblem(.syntax, "\(shown(written)) at position \(start + 1) is \(reason)")
        }
    }

    private mutating func word() throws(FilterProblem) -> FilterToken {
        let start = index
        var segments: [String] = []
        var segmentStart = index
        while true {
            while index < scalars.count, isIdentifierPart(scalars[index]) {
                index += 1
            }
            segments.append(text(from: segmentStart))
            guard index + 1 < scalars.count, scalars[index] == "/" || scalars[index] == ".",
                  isIdentifierStart(scalars[index + 1]) else {
                break
            }
            index += 1
            segmentStart = index
        }
        let written = text(from: start)
        let position = start + 1
        if segments.count == 1 {
            switch written.lowercased() {
            case "and": return FilterToken(kind: .and, position: position, text: written)
            case "or": return FilterToken(kind: .or, position: position, text: written)
            case "not": return FilterToken(kind: .not, position: position, text: written)
            case "null": return FilterToken(kind: .literal(.null), position: position, text: written)
            case "true": return FilterToken(kind: .literal(.bool(true)), position: position, text: written)
            case "false": return FilterToken(kind: .literal(.bool(false)), position: position, text: written)
            default:
                if let comparison = FilterComparison(rawValue: written.lowercased()) {
                    return FilterToken(kind: .comparison(comparison), position: position, text: written)
                }
            }
        }
        return FilterToken(kind: .field(segments), position: position, text: written)
    }

    private func text(from start: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<index])
        return String(view)
    }

    private func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_"
    }

    private func isIdentifierPart(_ scalar: Unicode.Scalar) -> Bool {
        isIdentifierStart(scalar) || ("0"..."9").contains(scalar)
    }

    private func isNumericPart(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar) || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
            || scalar == "." || scalar == ":" || scalar == "-" || scalar == "+"
    }

    /// `-? [0-9]+ (. [0-9]+)?`
    private func isNumber(_ text: String) -> Bool {
        var scalars = Substring(text).unicodeScalars[...]
        if scalars.first == "-" {
            scalars = scalars.dropFirst()
        }
        let parts = scalars.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.count <= 2 else {
            return false
        }
        return parts.allSatisfy { part in !part.isEmpty && part.allSatisfy { ("0"..."9").contains($0) } }
    }
}
