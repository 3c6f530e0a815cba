/// Percent-encoding as the Web API writes and reads URLs.
enum DynamicsURLEncoding {
    /// Percent-encodes all but unreserved characters, with lowercase hex as Dataverse
    /// writes delta tokens (`919042%2108%2f22%2f2017%2008%3a10%3a44`).
    static func encode(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count * 2)
        for byte in text.utf8 {
            switch byte {
            case 48...57, 65...90, 97...122, UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%"
                out.unicodeScalars.append(Unicode.Scalar(DynamicsJSONWriter.hex[Int(byte >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(DynamicsJSONWriter.hex[Int(byte & 0xF)]))
            }
        }
        return out
    }

    /// Decodes `%XX` escapes; `+` stays a plus (OData clients encode spaces as `%20`).
    static func decode(_ text: Substring) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
               let high = hexValue(iterator[iterator.startIndex]), let low = hexValue(iterator[iterator.startIndex + 1]) {
                bytes.append(high << 4 | low)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
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
