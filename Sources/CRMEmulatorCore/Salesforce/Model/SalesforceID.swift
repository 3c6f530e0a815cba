/// Salesforce record ids: a 3-character key prefix, 12 base-62 characters, and
/// the 3-character case-safe suffix that makes the 18-character form.
enum SalesforceID {
    private static let base62 = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
    private static let suffixAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345".utf8)

    /// The `sequence`-th id of an object. The base-62 alphabet is in ASCII order,
    /// so ids sort (case-sensitively) in creation order, as they do on an org.
    static func make(prefix: String, pod: String = "Hn", sequence: Int) -> String {
        var bytes = Array(prefix.utf8) + Array(pod.utf8) + [UInt8(ascii: "0")]
        var digits = [UInt8](repeating: base62[0], count: 9)
        var rest = max(0, sequence)
        var index = 8
        while rest > 0, index >= 0 {
            digits[index] = base62[rest % 62]
            rest /= 62
            index -= 1
        }
        bytes += digits
        return String(decoding: bytes + suffix(of: bytes), as: UTF8.self)
    }

    /// The 18-character form of a 15- or 18-character id, nil when malformed.
    static func normalized(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.count == 15 || bytes.count == 18, bytes.allSatisfy(isBase62) else { return nil }
        let head = Array(bytes[0..<15])
        let expected = suffix(of: head)
        if bytes.count == 18 {
            // The suffix is case-insensitive on the wire; the head decides.
            guard bytes[15..<18].map(uppercased) == expected else { return nil }
        }
        return String(decoding: head + expected, as: UTF8.self)
    }

    static func prefix(of id: String) -> String { String(id.prefix(3)) }

    private static func suffix(of head: [UInt8]) -> [UInt8] {
        (0..<3).map { chunk in
            var bits = 0
            for position in 0..<5 {
                let byte = head[chunk * 5 + position]
                if byte >= 65 && byte <= 90 { bits |= 1 << position }
            }
            return suffixAlphabet[bits]
        }
    }

    private static func isBase62(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
    }

    private static func uppercased(_ byte: UInt8) -> UInt8 {
        byte >= 97 && byte <= 122 ? byte - 32 : byte
    }
}
