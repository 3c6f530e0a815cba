import Logging

/// Retries the records of a batch call whose own answer was transient (a `$batch` part
/// answered 429 or 503, a Collections result `UNABLE_TO_LOCK_ROW`), with the same
/// bounds as `CRMExchange`: `Retry-After` when given, else backoff with jitter, at most
/// `maxAttempts` rounds. What still fails then throws a retriable `CRMError`: the caller
/// keeps the batch (never a reject, never lost) and tries again later.
enum CRMPartRetry {
    enum PartResult: Sendable {
        case done(CRMWriteOutcome)
        case retry(after: Duration?, reason: String)
    }

    static func run(
        pending start: [Int], policy: CRMRetryPolicy, system: String, operation: String, logger: Logger,
        onRetry: CRMRetryObserver? = nil,
        send: ([Int]) async throws -> [PartResult],
        record: (Int, CRMWriteOutcome) -> Void
    ) async throws {
        var pending = start
        var attempt = 0
        while !pending.isEmpty {
            attempt += 1
            let results = try await send(pending)
            var again: [Int] = []
            var wait: Duration?
            var reason = ""
            for (index, result) in zip(pending, results) {
                switch result {
                case .done(let outcome):
                    record(index, outcome)
                case .retry(let after, let why):
                    again.append(index)
                    reason = why
                    if let after { wait = max(wait ?? .zero, after) }
                }
            }
            pending = again
            guard !pending.isEmpty else { return }
            guard attempt < policy.maxAttempts else {
                throw CRMError(
                    system: system, code: .unavailable, operation: operation,
                    message: "\(pending.count) records still answered \(reason) after \(attempt) attempts", isRetriable: true)
            }
            let delay = wait ?? policy.backoff(afterAttempt: attempt)
            logger.notice("CRM answered some records with a transient error; sending them again", metadata: [
                "crm.operation": "\(operation)", "crm.records": "\(pending.count)", "crm.reason": "\(reason)", "crm.retryIn": "\(delay)"])
            onRetry?(CRMRetryNotice(
                system: system, operation: operation, reason: "\(reason) for \(pending.count) record(s)",
                attempt: attempt, maxAttempts: policy.maxAttempts, wait: delay))
            try await Task.sleep(for: delay)
        }
    }
}
