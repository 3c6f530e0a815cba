import NIOCore

/// Writes a JSON string literal into a `ByteBuffer` for the hand-written JSON writers of
/// both CRMs: quotes, backslashes and control characters escaped, everything else copied
/// as UTF-8 in runs, in one go when nothing needs escaping.
enum JSONStringEscaper {
    /// How backspace and form feed are written; the other control characters are the
    /// same in both (`\n`, `\r`, `\t`, else `\u00XX` in lowercase hex).
    enum BackspaceAndFormFeed {
        /// `\b` and `\f` (the Salesforce emulator).
        case shortEscapes
        /// `\u0008` and `\u000c` (the Dynamics emulator).
        case unicodeEscapes
    }

    static func write(_ text: String, to buffer: inout ByteBuffer, backspaceAndFormFeed: BackspaceAndFormFeed) {
        buffer.writeInteger(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if index > start { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<index])) }
                writeEscaped(byte, to: &buffer, backspaceAndFormFeed: backspaceAndFormFeed)
                start = index + 1
            }
            if start < bytes.count { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start...])) }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    private static func writeEscaped(_ byte: UInt8, to buffer: inout ByteBuffer, backspaceAndFormFeed: BackspaceAndFormFeed) {
        switch (byte, backspaceAndFormFeed) {
        case (UInt8(ascii: "\""), _): buffer.writeStaticString("\\\"")
        case (UInt8(ascii: "\\"), _): buffer.writeStaticString("\\\\")
        case (0x0A, _): buffer.writeStaticString("\\n")
        case (0x0D, _): buffer.writeStaticString("\\r")
        case (0x09, _): buffer.writeStaticString("\\t")
        case (0x08, .shortEscapes): buffer.writeStaticString("\\b")
        case (0x0C, .shortEscapes): buffer.writeStaticString("\\f")
        default:
            buffer.writeStaticString("\\u00")
            buffer.writeInteger(hexDigits[Int(byte >> 4)])
            buffer.writeInteger(hexDigits[Int(byte & 0x0F)])
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
