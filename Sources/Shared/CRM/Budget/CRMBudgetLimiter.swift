import HTTPBridge
import Synchronization

/// Spends one CRM's budgets for every call of a process: the ingress reader, the egress
/// and export writers and the opt-in-out writer send through the same limiter (SPEC
/// §2.2, issue 13), and every process learns what the others spent from the CRM's own
/// answers, so the workflows share one budget without talking to each other.
///
/// - Concurrency: additive increase, multiplicative decrease (AIMD) between 1 and the
///   least of `maxConcurrency`, 52 and the last `x-ms-dop-hint`; a 429 halves it.
/// - `Retry-After`: every call of the process waits it out, not only the refused one.
/// - Dataverse's execution-time and request budgets: the answer headers
///   `x-ms-ratelimit-time-remaining-xrm-requests` / `-burst-remaining-` say what is
///   left in the sliding window; the limiter keeps a ledger of its own spend, counts an
///   entry as freed once it left the window, and admits a call only while what is left
///   covers the calls in flight and this one. So the budget stays nearly full and a 429
///   is rare: only when the estimate was wrong or another client spent the budget.
/// - Salesforce's daily allocation (`Sforce-Limit-Info: api-usage=N/M` on every answer,
///   reads and writes alike): at `1 - allocationReserve` used it holds back, lets one
///   call through per `probeInterval` to learn whether the usage fell, and resumes by
///   itself when it did.
public final class CRMBudgetLimiter: Sendable {
    /// One admitted call; hand it back to `finish`.
    public struct Permit: Sendable {
        let id: Int
        let started: ContinuousClock.Instant
        let weight: Int
    }

    struct Spend {
        var at: ContinuousClock.Instant
        var milliseconds: Double
        var requests: Int
    }

    struct Remaining<Value> {
        var value: Value
        var at: ContinuousClock.Instant
    }

    struct State {
        var limit: Double
        var inFlight = 0
        /// Start of every call in flight, by permit id.
        var running: [Int: ContinuousClock.Instant] = [:]
        var nextPermit = 0
        var inFlightWeight = 0
        var dopHint: Int?
        var pausedUntil: ContinuousClock.Instant?
        var allocation: CRMAllocationUsage?
        var nextProbe: ContinuousClock.Instant?
        var timeRemaining: Remaining<Double>?
        var requestsRemaining: Remaining<Int>?
        var ledger: [Spend] = []
        /// Execution milliseconds per call: the most of the last few calls (a budget is
        /// overdrawn by the calls whose cost was underestimated, so estimate high).
        var cost: Double?
        var recentCosts: [Double] = []
        /// The whole execution-time budget, as the answers show it: the most of an answer's
        /// time left plus that answer's own call (the figure counts it, docs/emulator.md).
        var budgetEstimate = 0.0
        var answered = 0
        var throttled = 0
        /// Execution milliseconds the limiter counted for its answered calls, in all.
        var counted = 0.0
        /// Checks that held a call back for the execution-time or request budget.
        var budgetWaits = 0
        /// After a 429 the service's word beats the estimate: one call at a time until
        /// one is answered without it.
        var probing = false
    }

    /// Why a call waits.
    enum Wait {
        case concurrency
        case retryAfter(ContinuousClock.Instant)
        case budget(ContinuousClock.Instant)
        case allocation(CRMAllocationUsage, ContinuousClock.Instant)
    }

    public let settings: CRMBudgetSettings
    private let state: Mutex<State>
    private let clock = ContinuousClock()

    public init(settings: CRMBudgetSettings = .init()) {
        self.settings = settings
        state = Mutex(State(limit: Double(settings.initialConcurrency)))
    }

    /// Waits until a call may go out. `weight` is the requests it counts as (a `$batch`
    /// counts each operation); `holding` hears the reason whenever a wait for the daily
    /// allocation starts (`holding back: API allocation 91% used`).
    public func acquire(weight: Int = 1, holding: ((String) -> Void)? = nil) async throws -> Permit {
        var toldHolding = false
        while true {
            try Task.checkCancellation()
            let now = clock.now
            let decision: Result<Permit, WaitReason> = state.withLock { state in
                if let wait = self.wait(&state, weight: weight, now: now) { return .failure(WaitReason(wait: wait)) }
                let id = state.nextPermit
                state.nextPermit += 1
                state.inFlight += 1
                state.running[id] = now
                state.inFlightWeight += weight
                return .success(Permit(id: id, started: now, weight: weight))
            }
            switch decision {
            case .success(let permit):
                return permit
            case .failure(let reason):
                var until = now + .milliseconds(5)
                switch reason.wait {
                case .concurrency: break
                case .retryAfter(let end), .budget(let end): until = min(end, now + .seconds(1))
                case .allocation(let usage, let probe):
                    if !toldHolding {
                        toldHolding = true
                        holding?(Self.holdingText(usage, reserve: settings.allocationReserve))
                    }
                    until = min(probe, now + .seconds(1))
                }
                try await Task.sleep(until: max(until, now + .milliseconds(1)), clock: clock)
            }
        }
    }

    struct WaitReason: Error {
        var wait: Wait
    }

    /// The reason shown while holding back for the daily allocation.
    static func holdingText(_ usage: CRMAllocationUsage, reserve: Double) -> String {
        "holding back: API allocation \(usage.percentText) used (\(usage.used) of \(usage.max) requests today; "
            + "\(Int((reserve * 100).rounded()))% is kept in reserve); resuming by itself when usage falls"
    }

    /// Ends a call. `status` nil: no answer (transport failure); `retryAfter` is the
    /// pause a 429 asked for.
    /// `serverWait`: the answer's `HTTPResponse.serverWait`, the call's cost when known
    /// (and `settings.countsServerWait`).
    public func finish(_ permit: Permit, status: Int?, headers: HTTPHeaders?, retryAfter: Duration? = nil, serverWait: Duration? = nil) {
        let now = clock.now
        state.withLock { state in
            state.inFlight -= 1
            state.running[permit.id] = nil
            state.inFlightWeight -= permit.weight
            guard let status else { return }
            state.answered += 1
            if let headers { learn(headers, into: &state, now: now) }
            if status == 429 || status == 503 && retryAfter != nil {
                state.throttled += status == 429 ? 1 : 0
                state.limit = max(1, state.limit / 2)
                state.probing = true
                if let retryAfter { state.pausedUntil = max(state.pausedUntil ?? now, now + retryAfter) }
                return
            }
            state.probing = false
            // The server charges from admission to answer; the time from the permit to the
            // answer read also holds the client's own delays (a task waiting for a core, the
            // answer's transfer): 9-12 % more than charged under load (make bench). That
            // excess covers calls a slow client admitted but sent late, so it is kept unless
            // `countsServerWait` asks for the answer's own timing.
            var elapsed = Self.milliseconds(now - permit.started)
            if settings.countsServerWait, let serverWait { elapsed = min(elapsed, Self.milliseconds(serverWait)) }
            state.counted += elapsed
            state.ledger.append(Spend(at: now, milliseconds: elapsed, requests: permit.weight))
            state.recentCosts.append(elapsed)
            if state.recentCosts.count > 16 { state.recentCosts.removeFirst() }
            state.cost = Self.quantile(state.recentCosts, settings.costQuantile)
            state.limit = min(Double(ceiling(state)), state.limit + 1 / state.limit)
            if let time = state.timeRemaining, time.at == now {
                state.budgetEstimate = max(state.budgetEstimate, time.value + elapsed)
            }
            let horizon = now - settings.budgetWindow - settings.windowSlack * 2
            if let expired = state.ledger.firstIndex(where: { $0.at >= horizon }), expired > 0 {
                state.ledger.removeFirst(expired)
            }
        }
    }

    /// Gives a permit back without an answer (the call was cancelled before sending).
    public func abandon(_ permit: Permit) {
        finish(permit, status: nil, headers: nil)
    }

    /// What the limiter knows, for tests and `make bench`.
    public struct Snapshot: Sendable {
        public var concurrency: Int
        public var inFlight: Int
        public var answered: Int
        public var throttled: Int
        public var allocation: CRMAllocationUsage?
        public var holdingBack: Bool
        /// Execution milliseconds counted for the answered calls, in all.
        public var countedMilliseconds: Double
        /// Checks that held a call back for the execution-time or request budget.
        public var budgetWaits: Int
    }

    public var snapshot: Snapshot {
        state.withLock { state in
            Snapshot(
                concurrency: min(Int(state.limit), ceiling(state)), inFlight: state.inFlight, answered: state.answered,
                throttled: state.throttled, allocation: state.allocation, holdingBack: isHolding(state),
                countedMilliseconds: state.counted, budgetWaits: state.budgetWaits)
        }
    }

    private func ceiling(_ state: State) -> Int {
        min(settings.maxConcurrency, state.dopHint ?? 52, 52)
    }

    private func isHolding(_ state: State) -> Bool {
        guard let usage = state.allocation else { return false }
        return usage.share >= 1 - settings.allocationReserve
    }

    private func learn(_ headers: HTTPHeaders, into state: inout State, now: ContinuousClock.Instant) {
        if let hint = headers["x-ms-dop-hint"].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), hint > 0 {
            // The service's recommended parallelism: the first time it is heard, start there
            // (AIMD from a guess wasted the first rounds); later only as a ceiling.
            let first = state.dopHint == nil
            state.dopHint = hint
            state.limit = first ? Double(ceiling(state)) : min(state.limit, Double(hint))
        }
        if let usage = CRMAllocationUsage(header: headers["Sforce-Limit-Info"]) {
            state.allocation = usage
            if usage.share >= 1 - settings.allocationReserve {
                if state.nextProbe == nil || state.nextProbe! < now { state.nextProbe = now + settings.probeInterval }
            } else {
                state.nextProbe = nil
            }
        }
        if let text = headers["x-ms-ratelimit-time-remaining-xrm-requests"], let value = Double(text.trimmingCharacters(in: .whitespaces)) {
            // The header stops at 0, hiding how far the calls in flight overdrew the
            // budget: count an exhausted budget as overdrawn by one call.
            state.timeRemaining = Remaining(value: value > 0 ? value : -(state.cost ?? 0), at: now)
        }
        if let text = headers["x-ms-ratelimit-burst-remaining-xrm-requests"], let value = Int(text.trimmingCharacters(in: .whitespaces)) {
            state.requestsRemaining = Remaining(value: value, at: now)
        }
    }

    /// Why a call of `weight` must wait now, or nil when it may go.
    private func wait(_ state: inout State, weight: Int, now: ContinuousClock.Instant) -> Wait? {
        if let until = state.pausedUntil {
            if until > now { return .retryAfter(until) }
            state.pausedUntil = nil
        }
        if isHolding(state), let usage = state.allocation {
            let probe = state.nextProbe ?? now
            guard state.inFlight == 0, probe <= now else { return .allocation(usage, probe) }
            state.nextProbe = now + settings.probeInterval
            return nil
        }
        // Until the first answer told the limits (`x-ms-dop-hint`), one call at a time.
        if state.answered == 0 || state.probing, state.inFlight > 0 { return .concurrency }
        if state.inFlight >= max(1, min(Int(state.limit), ceiling(state))) { return .concurrency }
        if let wait = budgetWait(state, weight: weight, now: now), wait > now {
            state.budgetWaits += 1
            return .budget(wait)
        }
        return nil
    }

    /// When Dataverse's remaining budget (as last reported, plus the limiter's own spend
    /// that left the window since, minus the calls in flight) does not cover one more
    /// call: the time the next own spend leaves the window.
    private func budgetWait(_ state: State, weight: Int, now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        let delay = settings.budgetWindow + settings.windowSlack
        var short = false
        var freedMilliseconds = 0.0
        var freedRequests = 0
        var nextFree: ContinuousClock.Instant?
        let since = min(state.timeRemaining?.at ?? now, state.requestsRemaining?.at ?? now)
        var unfreed = 0.0
        for spend in state.ledger {
            let free = spend.at + delay
            if free > now { unfreed += spend.milliseconds }
            if free <= since { continue }
            if free <= now {
                if let time = state.timeRemaining, free > time.at { freedMilliseconds += spend.milliseconds }
                if let requests = state.requestsRemaining, free > requests.at { freedRequests += spend.requests }
            } else if nextFree == nil {
                nextFree = free
            }
        }
        // A call in flight costs at least the estimate, and more once it ran longer: the
        // service counts the time the calls in flight have run when it admits the next one.
        let inFlightCost = state.running.values.reduce(0.0) { $0 + max(state.cost ?? 0, Self.milliseconds(now - $1)) }
        // A margin (3% by default) of the budget absorbs calls that cost more than estimated.
        let margin = state.budgetEstimate * settings.margin
        // Answers of calls that ran together can arrive out of order, so the last one read
        // can miss a call that finished before it: the limiter's own spend still in the
        // window, against the whole budget, bounds it too.
        if state.budgetEstimate > 0, let cost = state.cost,
           state.budgetEstimate - unfreed - inFlightCost - margin < cost {
            short = true
        }
        // What the service said is left (its figure holds the answering call's own time),
        // plus the own spend that left the window since, minus the calls in flight.
        if let time = state.timeRemaining, let cost = state.cost,
           time.value + freedMilliseconds - inFlightCost - margin < cost {
            short = true
        }
        if let requests = state.requestsRemaining,
           requests.value + freedRequests - state.inFlightWeight < weight {
            short = true
        }
        guard short else { return nil }
        // Nothing of its own left to free: another client spent the budget. One call
        // once a whole window passed since the last answer; its answer says more.
        let latest = max(state.timeRemaining?.at ?? now, state.requestsRemaining?.at ?? now)
        return nextFree ?? latest + delay
    }

    /// The `q` quantile of `values` (nearest rank); nil when empty.
    static func quantile(_ values: [Double], _ q: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((q * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(0, rank), sorted.count - 1)]
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}

extension CRMBudgetLimiter {
    private static let registry = Mutex<[String: CRMBudgetLimiter]>([:])

    /// The process's limiter for one CRM user (`<API root>|<client id>`): Dataverse's
    /// and Salesforce's budgets are per user, so every connector and writer of the
    /// process that logs in as that user shares it. `settings` count only for the first.
    public static func shared(for key: String, settings: CRMBudgetSettings = .init()) -> CRMBudgetLimiter {
        registry.withLock { limiters in
            if let limiter = limiters[key] { return limiter }
            let limiter = CRMBudgetLimiter(settings: settings)
            limiters[key] = limiter
            return limiter
        }
    }
}
