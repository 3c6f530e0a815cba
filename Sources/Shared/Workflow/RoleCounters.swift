import Config
import Metrics
import Synchronization

/// What a role counts, once: each call adds to a swift-metrics instrument (served on
/// the role's `/metrics`, see `RoleMetricName`) and to the totals its heartbeat carries
/// (which the control service aggregates into its own `/metrics` and the page's rates).
/// One instance per role process, so both views count from the process's start.
public final class RoleCounters: Sendable {
    /// The process's totals over all entities, as the heartbeat's `detail` carries them.
    public struct Snapshot: Sendable, Equatable {
        public var recordsRead = 0
        public var recordsPublished = 0
        public var recordsWritten = 0
        public var recordsRejected = 0
        public var batches = 0
        public var errors = 0
        public var retries = 0
        public var latencySecondsSum = 0.0
        public var latencyCount = 0
    }

    public let workflow: WorkflowName
    public let role: String
    private let totals = Mutex(Snapshot())
    /// Instruments per metric name and entity, made on first use.
    private let counters = Mutex<[String: Counter]>([:])
    private let timers = Mutex<[String: Timer]>([:])
    private let gauges = Mutex<[String: Gauge]>([:])

    /// Makes no instrument yet: they are made on first use, after `main` bootstrapped
    /// swift-metrics (an instrument made before would record into the no-op backend).
    public init(workflow: WorkflowName, role: String) {
        self.workflow = workflow
        self.role = role
    }

    /// Records read from the source.
    public func read(_ n: Int, entity: String) {
        count(RoleMetricName.recordsRead, n, entity: entity) { $0.recordsRead += n }
    }

    /// Records read from the source that the broker acknowledged.
    public func published(_ n: Int, entity: String) {
        count(RoleMetricName.recordsPublished, n, entity: entity) { $0.recordsPublished += n }
    }

    /// Records applied to the target.
    public func written(_ n: Int, entity: String) {
        count(RoleMetricName.recordsWritten, n, entity: entity) { $0.recordsWritten += n }
    }

    /// Records rejected. No entity label: a reject may come from a message whose entity
    /// is not one of the configuration's, and labels must stay bounded.
    public func rejected(_ n: Int) {
        count(RoleMetricName.recordsRejected, n, entity: nil) { $0.recordsRejected += n }
    }

    /// One batch applied in its own transaction.
    public func batch() {
        count(RoleMetricName.batches, 1, entity: nil) { $0.batches += 1 }
    }

    /// An error after which the work is retried.
    public func error() {
        count(RoleMetricName.errors, 1, entity: nil) { $0.errors += 1 }
    }

    /// A call to the target (or records of it) sent again after a transient answer
    /// (throttling, 5xx, an expired token), inside the work: the work goes on.
    public func retried(_ n: Int = 1) {
        count(RoleMetricName.retries, n, entity: nil) { $0.retries += n }
    }

    /// The writers' backlog as this role last read it.
    public func backlog(_ records: Int) {
        instrument(in: gauges, RoleMetricName.backlog, entity: nil) { Gauge(label: $0, dimensions: $1) }.record(records)
    }

    /// End-to-end latencies of applied records (source change → target commit), one
    /// observation each in the change-latency histogram. Negative values (clocks apart)
    /// count as 0.
    public func latencies(_ seconds: [Double], entity: String) {
        guard !seconds.isEmpty else { return }
        let timer = instrument(in: timers, RoleMetricName.changeLatency, entity: entity) { label, dimensions in
            Timer(label: label, dimensions: dimensions)
        }
        var sum = 0.0
        for value in seconds {
            let clamped = value.isFinite ? max(0, value) : 0
            sum += clamped
            timer.recordSeconds(clamped)
        }
        totals.withLock {
            $0.latencySecondsSum += sum
            $0.latencyCount += seconds.count
        }
    }

    public var snapshot: Snapshot { totals.withLock { $0 } }

    private func count(_ name: String, _ n: Int, entity: String?, _ total: (inout Snapshot) -> Void) {
        guard n > 0 else { return }
        let counter = instrument(in: counters, name, entity: entity) { label, dimensions in
            Counter(label: label, dimensions: dimensions)
        }
        counter.increment(by: Int64(n))
        totals.withLock { total(&$0) }
    }

    private func instrument<Instrument: Sendable>(
        in cache: borrowing Mutex<[String: Instrument]>, _ name: String, entity: String?,
        make: (String, [(String, String)]) -> Instrument
    ) -> Instrument {
        let key = entity.map { "\(name)|\($0)" } ?? name
        return cache.withLock { cache in
            if let known = cache[key] { return known }
            let made = make(name, Self.labels(workflow, role, entity: entity))
            cache[key] = made
            return made
        }
    }

    private static func labels(_ workflow: WorkflowName, _ role: String, entity: String?) -> [(String, String)] {
        var labels = [(RoleMetricLabel.workflow, workflow.rawValue), (RoleMetricLabel.role, role)]
        if let entity { labels.append((RoleMetricLabel.entity, entity)) }
        return labels
    }
}
