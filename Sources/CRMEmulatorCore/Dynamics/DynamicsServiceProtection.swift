import NIOCore
import Synchronization

/// Enforces `DynamicsServiceLimits` per client over a sliding window and answers 429
/// with `Retry-After` and Dataverse's codes when a budget is spent.
///
/// Execution time (`0x80072321`, "combined execution time of incoming requests") is
/// charged when a request finishes, at that instant, and stays in the window for
/// `windowSeconds`. A request is admitted only while the time of the finished requests
/// in the window **plus the time the requests still running have run so far** is under
/// the limit: charging only finished requests let any number of concurrent requests in
/// while the total was under it (docs/emulator.md, "Bulk writes and budgets").
/// Instants are milliseconds of a monotonic clock, not whole seconds (whole seconds
/// let an entry leave the window up to a second early).
final class DynamicsServiceProtection: Sendable {
    /// One admitted request; hand it back to `finish`.
    struct Admission: Sendable {
        let client: String
        let ticket: Int
        let started: Int64
    }

    private struct Usage {
        /// (time in ms, operations) per admitted request.
        var requests = CircularBuffer<(Int64, Int)>()
        var requestCount = 0
        /// (time in ms, execution ms) per finished request.
        var executions = CircularBuffer<(Int64, Int64)>()
        var executionTotal: Int64 = 0
        /// Start instant of every admitted request still running, by ticket.
        var running: [Int: Int64] = [:]

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

        /// What the running requests have spent so far.
        func runningMilliseconds(now: Int64) -> Int64 {
            running.values.reduce(0) { $0 + max(0, now - $1) }
        }
    }

    private struct State {
        var limits: DynamicsServiceLimits
        var clients: [String: Usage] = [:]
        var nextTicket = 0
        /// Execution time charged since the last reset, every client (`GET /admin/dynamics/usage`).
        var chargedMilliseconds: Int64 = 0
    }

    private let initial: DynamicsServiceLimits
    private let state: Mutex<State>
    private let origin = ContinuousClock.now

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

    /// Milliseconds on the protection's monotonic clock.
    var now: Int64 {
        let elapsed = ContinuousClock.now - origin
        return elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    }

    /// Execution time charged to every client since the last reset (or limits change).
    var chargedMilliseconds: Int64 { state.withLock { $0.chargedMilliseconds } }

    /// Admits one request (counted as `operations`) or refuses it with a 429.
    func admit(client: String, operations: Int = 1) -> Result<Admission, DynamicsError> {
        let now = self.now
        return state.withLock { state in
            let limits = state.limits
            let window = Int64(limits.windowSeconds) * 1000
            var usage = state.clients[client] ?? Usage()
            usage.trim(before: now - window)
            defer { state.clients[client] = usage }
            if usage.running.count >= limits.concurrentRequests {
                return .failure(Self.throttled("0x80072326", "Number of concurrent requests exceeded the limit of \(limits.concurrentRequests).", retryAfter: 1))
            }
            if usage.requestCount >= limits.requests {
                let wait = (usage.requests.first.map { $0.0 + window - now } ?? window)
                return .failure(Self.throttled("0x80072322", "Number of requests exceeded the limit of \(limits.requests) over time window of \(limits.windowSeconds) seconds.", retryAfter: Self.seconds(wait)))
            }
            if usage.executionTotal + usage.runningMilliseconds(now: now) >= Int64(limits.executionTimeMilliseconds) {
                // The oldest charge leaves the window first; while only running requests
                // hold the time, they are charged when they finish and stay a window.
                let wait = usage.executions.first.map { $0.0 + window - now } ?? window
                return .failure(Self.throttled("0x80072321", "Combined execution time of incoming requests exceeded limit of \(limits.executionTimeMilliseconds) milliseconds over time window of \(limits.windowSeconds) seconds. Decrease number of concurrent requests or reduce the duration of requests and try again later.", retryAfter: Self.seconds(wait)))
            }
            let ticket = state.nextTicket
            state.nextTicket += 1
            usage.running[ticket] = now
            usage.requests.append((now, operations))
            usage.requestCount += operations
            return .success(Admission(client: client, ticket: ticket, started: now))
        }
    }

    /// Counts more operations for an admitted request (the parts of a `$batch`).
    func addOperations(_ admission: Admission, _ operations: Int) {
        guard operations > 0 else { return }
        let now = self.now
        state.withLock { state in
            state.clients[admission.client, default: Usage()].requests.append((now, operations))
            state.clients[admission.client, default: Usage()].requestCount += operations
        }
    }

    /// Ends an admitted request, charging the time it ran. Idempotent.
    func finish(_ admission: Admission) {
        let now = self.now
        state.withLock { state in
            guard state.clients[admission.client]?.running.removeValue(forKey: admission.ticket) != nil else { return }
            let spent = max(0, now - admission.started)
            state.clients[admission.client, default: Usage()].executions.append((now, spent))
            state.clients[admission.client, default: Usage()].executionTotal += spent
            state.chargedMilliseconds += spent
        }
    }

    /// The debug headers Dataverse sends: requests and milliseconds left in the window.
    /// Called after `finish`, so the time left counts the answering request's own time
    /// (not the time of requests still running).
    func remaining(client: String) -> [(String, String)] {
        let now = self.now
        return state.withLock { state in
            var usage = state.clients[client] ?? Usage()
            usage.trim(before: now - Int64(state.limits.windowSeconds) * 1000)
            state.clients[client] = usage
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
