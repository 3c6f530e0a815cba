/// Object and field names a connector puts into URLs and queries: plain identifiers
/// only, so a mistyped or hostile name is refused before any call instead of changing
/// the request.
enum CRMNames {
    static func check(system: String, object: String, fields: [String], allowDots: Bool) throws(CRMError) {
        guard isIdentifier(object, allowDots: false) else {
            throw CRMError(
                system: system, code: .invalidRequest, operation: "query",
                message: "the remote object name is not a plain identifier (letters, digits, underscores)")
        }
        for (index, field) in fields.enumerated() where !isIdentifier(field, allowDots: allowDots) {
            throw CRMError(
                system: system, code: .invalidRequest, operation: "query \(object)",
                message: "field \(index + 1) of the query is not a plain identifier"
                    + (allowDots ? " (letters, digits, underscores, dots)" : " (letters, digits, underscores)"))
        }
    }

    static func isIdentifier(_ name: String, allowDots: Bool) -> Bool {
        guard let first = name.utf8.first, first != UInt8(ascii: "."), name.utf8.count <= 255 else { return false }
        return name.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == UInt8(ascii: "_") || (allowDots && byte == UInt8(ascii: "."))
        }
    }
}
