/// How long the read horizon (`pg_snapshot_xmin`, the oldest transaction in flight) has
/// held committed email events back, from what the reader sees at each poll. A pure
/// state machine, so the rule is tested alone.
///
/// Held back means: committed rows wait at or above the horizon. The time counts from
/// the first poll that saw them waiting behind this horizon; when the horizon moves
/// but rows still wait, a newer transaction holds them and the count starts again.
struct HorizonWatch: Sendable {
    struct Report: Sendable, Equatable {
        var heldBack: Duration
        var waiting: Int
        /// Set once `heldBack` reached the threshold: what the operator sees.
        var warning: String?
    }

    let warnAfter: Duration
    private var horizon: UInt64?
    private var heldSince: ContinuousClock.Instant?

    init(warnAfter: Duration) {
        self.warnAfter = warnAfter
    }

    mutating func observe(horizon: UInt64, waiting: Int, at now: ContinuousClock.Instant) -> Report {
        defer { self.horizon = horizon }
        guard waiting > 0 else {
            heldSince = nil
            return Report(heldBack: .zero, waiting: 0, warning: nil)
        }
        if heldSince == nil || self.horizon != horizon { heldSince = now }
        let held = now - (heldSince ?? now)
        var report = Report(heldBack: held, waiting: waiting, warning: nil)
        if held >= warnAfter {
            let seconds = Int(held.components.seconds)
            report.warning = "a transaction still in flight (xid \(horizon)) has held back \(waiting) committed email event(s) for \(seconds)s; they are published once it commits or rolls back"
        }
        return report
    }
}
