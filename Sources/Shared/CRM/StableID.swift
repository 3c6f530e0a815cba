/// A record id derived from names, the same on every run: an export's insert into
/// Dynamics names its record by it, so a re-delivered row finds the record it made.
/// Two FNV-1a 64-bit hashes (different offsets) over the UTF-8 of the parts, shaped as a
/// version-4-variant GUID text. Not cryptographic: ids need only be stable and spread.
enum StableID {
    static func uuid(_ parts: String...) -> String {
        let text = Array(parts.joined(separator: "\u{1F}").utf8)
        func fnv(_ offset: UInt64) -> UInt64 {
            var hash = offset
            for byte in text {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01B3
            }
            return hash
        }
        var high = fnv(0xCBF2_9CE4_8422_2325)
        var low = fnv(0x84222325_CBF29CE4 ^ 0x9E37_79B9_7F4A_7C15)
        high = (high & ~0xF000) | 0x4000  // version 4
        low = (low & ~(0xC000_0000_0000_0000)) | 0x8000_0000_0000_0000  // RFC 4122 variant
        func hex(_ value: UInt64, _ digits: Int) -> String {
            let text = String(value, radix: 16)
            return String(repeating: "0", count: max(0, digits - text.count)) + text
        }
        return "\(hex(high >> 32, 8))-\(hex((high >> 16) & 0xFFFF, 4))-\(hex(high & 0xFFFF, 4))-\(hex(low >> 48, 4))-\(hex(low & 0xFFFF_FFFF_FFFF, 12))"
    }
}
