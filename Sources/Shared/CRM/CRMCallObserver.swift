/// Told about every call a connector sends, so a role can show a CRM that stopped
/// answering (SPEC §3: a hung CRM is seen on the page, not only in a log) while the
/// connector keeps retrying. Called from the connector's tasks: implementations are
/// quick and thread-safe.
public protocol CRMCallObserver: Sendable {
    /// A request is about to be sent.
    func callStarted()
    /// The CRM answered (also with an error that retrying would not change).
    func callAnswered()
    /// The send failed in a way that is retried: no answer in time, no connection, 429,
    /// 5xx, a truncated answer. `reason` is the connector's one-line text (no secrets).
    func callFailed(_ reason: String)
    /// The call was given up without an answer for another reason (cancelled).
    func callAbandoned()
    /// Calls are held back by the budget limiter (the daily allocation nearly spent).
    func callHeldBack(_ reason: String)
}

extension CRMCallObserver {
    /// Calls are held back by the budget limiter (`holding back: API allocation 91%
    /// used…`); a role shows `reason` as its status reason. Default: nothing.
    public func callHeldBack(_ reason: String) {}
}
