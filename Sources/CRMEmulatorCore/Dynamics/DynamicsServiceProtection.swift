import NIOCore
import Synchronization

/// Enforces `DynamicsServiceLimits` per client over a sliding window and answers 429
/// with `Retry-After` and Dataverse's codes when a budget is spent.
final class DynamicsServiceProtection: Sendable {
    private struct Usage {
        /// (time in ms, operations) per admitted request.
        var requests = CircularBuffer<(Int64, Int)>()
        var requestCount = 0
        /// (time in ms, execution ms) per finished request.
        var executions = CircularBuffer<(Int64, Int64)>()
        var executionTotal: Int64 = 0
        var inFlight = 0

        mutating func trim(before cutoff: Int64) {
            while let first = requests.first, first.0 < cutoff {
                requestCount -= first.1
                requests.removeFirst()
            }
            while let first = executions.first, first.0 < cutoff {
                executionTotal -= first.1
                executions.removeFirst()
            }
        }
    }

    private struct State {
        var limits: DynamicsServiceLimits
        var clients: [String: Usage] = [:]
    }

    private let initial: DynamicsServiceLimits
    private let state: Mutex<State>

    init(limits: DynamicsServiceLimits) {
        initial = limits
        state = Mutex(State(limits: limits))
    }

    var limits: DynamicsServiceLimits {
        get { state.withLock { $0.limits } }
        set { state.withLock { $0 = State(limits: newValue) } }
    }

    func reset() {
        state.withLock { $0 = State(limits: initial) }
    }

    /// Admits one request (counted as `operations`) or refuses it with a 429.
    func admit(client: String, operations: Int = 1, now: Int64) -> DynamicsError? {
        state.withLock { state in
            let limits = state.limits
            let window = Int64(limits.windowSeconds) * 1000
            var usage = state.clients[client] ?? Usage()
            usage.trim(before: now - window)
            defer { state.clients[client] = usage }
            if usage.inFlight >= limits.concurrentRequests {
                return Self.throttled("0x80072326", "Number of concurrent requests exceeded the limit of \(limits.concurrentRequests).", retryAfter: 1)
            }
            if usage.requestCount >= limits.requests {
                let wait = (usage.requests.first.map { $0.0 + window - now } ?? window)
                return Self.throttled("0x80072322", "Number of requests exceeded the limit of \(limits.requests) over time window of \(limits.windowSeconds) seconds.", retryAfter: Self.seconds(wait))
            }
            if usage.executionTotal >= Int64(limits.executionTimeMilliseconds) {
                let wait = (usage.executions.first.map { $0.0 + window - now } ?? window)
                return Self.throttled("0x80072321", "Combined execution time of incoming requests exceeded limit of \(limits.executionTimeMilliseconds) milliseconds over time window of \(limits.windowSeconds) seconds. Decrease number of concurrent requests or reduce the duration of requests and try again later.", retryAfter: Self.seconds(wait))
            }
            usage.inFlight += 1
            usage.requests.append((now, operations))
            usage.requestCount += operations
            return nil
        }
    }

    /// Counts more operations for an admitted request (the parts of a `$batch`).
    func addOperations(client: String, _ operations: Int, now: Int64) {
        guard operations > 0 else { return }
        state.withLock { state in
            state.clients[client, default: Usage()].requests.append((now, operations))
            state.clients[client, default: Usage()].requestCount += operations
        }
    }

    /// Ends an admitted request, charging its execution time.
    func finish(client: String, executionMilliseconds: Int64, now: Int64) {
        state.withLock { state in
            state.clients[client, default: Usage()].inFlight -= 1
            state.clients[client, default: Usage()].executions.append((now, executionMilliseconds))
            state.clients[client, default: Usage()].executionTotal += executionMilliseconds
        }
    }

    /// The debug headers Dataverse sends: requests and milliseconds left in the window.
    func remaining(client: String) -> [(String, String)] {
        state.withLock { state in
            let usage = state.clients[client] ?? Usage()
            return [
                ("x-ms-ratelimit-burst-remaining-xrm-requests", String(max(0, state.limits.requests - usage.requestCount))),
                ("x-ms-ratelimit-time-remaining-xrm-requests", String(max(0, Int64(state.limits.executionTimeMilliseconds) - usage.executionTotal))),
            ]
        }
    }

    private static func seconds(_ milliseconds: Int64) -> Int {
        max(1, Int((milliseconds + 999) / 1000))
    }

    static func throttled(_ code: String, _ message: String, retryAfter: Int) -> DynamicsError {
        DynamicsError(.tooManyRequests, code: code, message, headers: [("Retry-After", String(retryAfter))])
    }
}
