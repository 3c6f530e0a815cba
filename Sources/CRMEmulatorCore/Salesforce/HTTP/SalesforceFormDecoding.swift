/// `application/x-www-form-urlencoded` decoding (query strings and the token
/// request body): `+` is a space, `%XX` a byte. Malformed escapes stay as written.
enum SalesforceFormDecoding {
    static func decode(_ text: some StringProtocol) -> [(name: String, value: String)] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            if let equals = pair.firstIndex(of: "=") {
                return (decodeComponent(pair[..<equals]), decodeComponent(pair[pair.index(after: equals)...]))
            }
            return (decodeComponent(pair), "")
        }
    }

    /// The first value of each name.
    static func dictionary(_ text: some StringProtocol) -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in decode(text) where result[name] == nil { result[name] = value }
        return result
    }

    static func decodeComponent(_ text: some StringProtocol, plusIsSpace: Bool = true) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+"), plusIsSpace {
                output.append(0x20)
            } else if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
                      let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                output.append(high << 4 | low)
                index += 2
            } else {
                output.append(byte)
            }
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: byte - 48
        case 65...70: byte - 55
        case 97...102: byte - 87
        default: nil
        }
    }
}
