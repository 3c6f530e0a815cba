/// Case-insensitive text comparison, as SOQL compares strings: an ASCII fast
/// path without allocation, `lowercased()` once something else shows up.
enum SalesforceText {
    static func compareIgnoringCase(_ left: String, _ right: String) -> Int {
        var left = left
        var right = right
        let fast: Int? = left.withUTF8 { a in
            right.withUTF8 { b in
                let count = min(a.count, b.count)
                for index in 0..<count {
                    let x = a[index]
                    let y = b[index]
                    if x >= 0x80 || y >= 0x80 { return nil }
                    let lx = x >= 65 && x <= 90 ? x + 32 : x
                    let ly = y >= 65 && y <= 90 ? y + 32 : y
                    if lx != ly { return lx < ly ? -1 : 1 }
                }
                return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
            }
        }
        if let fast { return fast }
        let a = left.lowercased()
        let b = right.lowercased()
        return a == b ? 0 : (a < b ? -1 : 1)
    }

    static func equalIgnoringCase(_ left: String, _ right: String) -> Bool {
        compareIgnoringCase(left, right) == 0
    }

    static func compareExactly(_ left: String, _ right: String) -> Int {
        left == right ? 0 : (left < right ? -1 : 1)
    }
}
