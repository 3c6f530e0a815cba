/// One bit per seeded row (15 million rows: 1.9 MB).
struct DynamicsBitSet: Sendable {
    private var words: [UInt64] = []

    subscript(index: Int) -> Bool {
        let word = index >> 6
        return word < words.count && words[word] & (1 << UInt64(index & 63)) != 0
    }

    /// Sets the bit; true when it was clear.
    @discardableResult
    mutating func insert(_ index: Int) -> Bool {
        let word = index >> 6
        if word >= words.count { words.append(contentsOf: repeatElement(0, count: word - words.count + 1)) }
        let mask: UInt64 = 1 << UInt64(index & 63)
        guard words[word] & mask == 0 else { return false }
        words[word] |= mask
        return true
    }

    mutating func removeAll() {
        words = []
    }
}
