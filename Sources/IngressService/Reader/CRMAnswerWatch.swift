import CRMConnectors
import Synchronization

/// Whether the CRM answers the reader: from the first call left without an answer (a
/// hung CRM, a timeout, 503s, a failed window) until the next answer. Past
/// `notAnsweringAfter`, `reason` says so, for the workflow's status; it clears by itself
/// when the CRM answers again. Decisions only: the clock is passed in, so it is tested
/// alone.
final class CRMAnswerWatch: CRMCallObserver {
    private struct State {
        /// When the CRM was first left without an answer since its last one.
        var silentSince: ContinuousClock.Instant?
        /// Calls sent and not answered yet.
        var pending = 0
        /// The last failure seen meanwhile (one line, no secrets).
        var lastFailure: String?
        /// The budget limiter holds calls back (`holding back: API allocation 91% used…`).
        var heldBack: String?
    }

    let notAnsweringAfter: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private let state = Mutex(State())

    init(notAnsweringAfter: Duration, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.notAnsweringAfter = notAnsweringAfter
        self.now = now
    }

    func callStarted() {
        let at = now()
        state.withLock { state in
            state.pending += 1
            if state.silentSince == nil { state.silentSince = at }
        }
    }

    func callAnswered() {
        state.withLock { state in
            state.pending = max(0, state.pending - 1)
            state.silentSince = nil
            state.lastFailure = nil
            state.heldBack = nil
        }
    }

    func callHeldBack(_ reason: String) {
        state.withLock { $0.heldBack = reason }
    }

    func callFailed(_ reason: String) {
        // The silence goes on: it started with the call that failed.
        state.withLock { state in
            state.pending = max(0, state.pending - 1)
            state.lastFailure = reason
        }
    }

    func callAbandoned() {
        state.withLock { state in
            state.pending = max(0, state.pending - 1)
            // A call given up (cancelled) without a failure says nothing of the CRM.
            if state.pending == 0 && state.lastFailure == nil { state.silentSince = nil }
        }
    }

    /// A window failed with a transient error: the silence (if any) goes on, and the
    /// reason names what failed.
    func windowFailed(_ reason: String) {
        let at = now()
        state.withLock { state in
            state.lastFailure = reason
            if state.silentSince == nil { state.silentSince = at }
        }
    }

    /// "CRM not answering for 75 s (retrying): <last error>", or nil while it answers.
    var reason: String? {
        let at = now()
        return state.withLock { state in
            guard let since = state.silentSince else { return state.heldBack }
            let silence = at - since
            guard silence >= notAnsweringAfter else { return nil }
            let seconds = Int(silence.components.seconds)
            return "CRM not answering for \(seconds) s (retrying)" + (state.lastFailure.map { ": \($0)" } ?? "")
        }
    }
}
