/// Splits id terms (`contactid eq …`, `'003…'`) into consecutive chunks so each request
/// stays under a URL length and a count.
enum CRMIDChunks {
    /// - Parameters:
    ///   - termLengths: the encoded length of each term, in order.
    ///   - separatorLength: the encoded length between two terms (` or `, `,`).
    ///   - budget: the characters available for the terms of one chunk.
    ///   - maxCount: most terms in one chunk.
    /// - Returns: nil when a single term does not fit the budget.
    static func split(termLengths: [Int], separatorLength: Int, budget: Int, maxCount: Int) -> [Range<Int>]? {
        var chunks: [Range<Int>] = []
        var start = 0
        var used = 0
        for (index, length) in termLengths.enumerated() {
            guard length <= budget else { return nil }
            let added = index == start ? length : separatorLength + length
            if used + added > budget || index - start >= maxCount {
                chunks.append(start..<index)
                start = index
                used = length
            } else {
                used += added
            }
        }
        if start < termLengths.count { chunks.append(start..<termLengths.count) }
        return chunks
    }
}
