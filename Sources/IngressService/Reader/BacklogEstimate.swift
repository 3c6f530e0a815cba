/// `BacklogGate`'s bookkeeping, apart from asking Kafka: the last lag measured plus what
/// was published since is the estimate of the writers' backlog. While it stays under
/// `maxBacklog` and the measure is younger than `refreshInterval`, a page goes without
/// asking; otherwise the gate measures again.
struct BacklogEstimate: Sendable {
    let maxBacklog: Int
    var refreshInterval: Duration = .seconds(1)
    private(set) var lastLag = 0
    private(set) var publishedSince = 0
    private var measuredAt: ContinuousClock.Instant?

    init(maxBacklog: Int) {
        self.maxBacklog = maxBacklog
    }

    /// True (and `count` is counted) when `count` more may be published on the estimate alone.
    mutating func admitsWithoutMeasuring(_ count: Int, now: ContinuousClock.Instant) -> Bool {
        guard let measuredAt, now - measuredAt < refreshInterval, lastLag + publishedSince + count < maxBacklog else {
            return false
        }
        publishedSince += count
        return true
    }

    /// Takes a fresh measure; true (and `count` is counted) when the writers are below the bound.
    mutating func measured(lag: Int, admitting count: Int, now: ContinuousClock.Instant) -> Bool {
        (lastLag, publishedSince, measuredAt) = (lag, 0, now)
        guard lag < maxBacklog else { return false }
        publishedSince = count
        return true
    }
}
