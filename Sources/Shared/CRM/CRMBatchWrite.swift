/// The loop every write side shares: records refused before sending keep their reject,
/// the others go out in one call whose per-record answers `CRMPartRetry` sorts into
/// done and sent-again, and a record the CRM never answered for becomes a reject.
enum CRMBatchWrite {
    static func outcomes(
        count: Int, refused: [Int: CRMWriteOutcome], exchange: CRMExchange, operation: String,
        send: ([Int]) async throws -> [CRMPartRetry.PartResult]
    ) async throws -> [CRMWriteOutcome] {
        var outcomes = [CRMWriteOutcome?](repeating: nil, count: count)
        for (index, outcome) in refused { outcomes[index] = outcome }
        try await CRMPartRetry.run(
            pending: (0..<count).filter { refused[$0] == nil }, policy: exchange.retry, system: exchange.system,
            operation: operation, logger: exchange.logger, onRetry: exchange.onRetry, send: send
        ) { index, outcome in
            outcomes[index] = outcome
        }
        return outcomes.map { $0 ?? .rejected(code: "unanswered", message: "the CRM gave no answer for this record") }
    }
}

extension CRMBatchWrite {
    /// Writes `indices` in calls of at most `callSize`, all at once: the budget limiter
    /// in the exchange decides how many are in flight. Answers one outcome per index.
    static func inCalls(
        _ indices: [Int], callSize: Int,
        call: @escaping @Sendable ([Int]) async throws -> [CRMWriteOutcome]
    ) async throws -> [Int: CRMWriteOutcome] {
        let chunks = stride(from: 0, to: indices.count, by: max(1, callSize)).map { Array(indices[$0..<min($0 + callSize, indices.count)]) }
        return try await inCalls(chunks, call: call)
    }

    /// `indices` in the fewest calls of at most `callSize`, of equal size (within one):
    /// calls sent at once end together, where 1,000 + 40 records made one long call.
    static func equalCalls(_ indices: [Int], callSize: Int) -> [[Int]] {
        guard !indices.isEmpty else { return [] }
        let count = (indices.count + max(1, callSize) - 1) / max(1, callSize)
        let (size, longer) = indices.count.quotientAndRemainder(dividingBy: count)
        var calls: [[Int]] = []
        var start = 0
        for call in 0..<count {
            let end = start + size + (call < longer ? 1 : 0)
            calls.append(Array(indices[start..<end]))
            start = end
        }
        return calls
    }

    /// Sends the given calls all at once: the budget limiter in the exchange decides how
    /// many are in flight. Answers one outcome per index.
    static func inCalls(
        _ chunks: [[Int]], call: @escaping @Sendable ([Int]) async throws -> [CRMWriteOutcome]
    ) async throws -> [Int: CRMWriteOutcome] {
        if chunks.isEmpty { return [:] }
        if chunks.count == 1 { return Dictionary(uniqueKeysWithValues: zip(chunks[0], try await call(chunks[0]))) }
        return try await withThrowingTaskGroup(of: [(Int, CRMWriteOutcome)].self) { group in
            for chunk in chunks {
                group.addTask { Array(zip(chunk, try await call(chunk))) }
            }
            var outcomes: [Int: CRMWriteOutcome] = [:]
            for try await pairs in group {
                for (index, outcome) in pairs { outcomes[index] = outcome }
            }
            return outcomes
        }
    }
}
