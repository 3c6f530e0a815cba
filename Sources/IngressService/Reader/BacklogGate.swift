import Foundation
import KafkaBridge
import Logging
import WorkflowRuntime

/// Back-pressure between the reader and the writers: no page is published while the
/// writers' backlog (their group's lag on the workflow's topics, what the Workflows page
/// shows) is at or above `maxBacklog`. It bounds how far Kafka runs ahead of Campaign.
/// On the local broker, which keeps only the last 5 MiB of each partition, that is what
/// keeps messages nobody has read from being dropped; on any broker it leaves the CPU to
/// the writers when they are the slower side, which they are during a full load.
///
/// The lag is asked for at most once a second while the estimate (last lag plus what
/// was published since) stays under the bound, and every 250 ms while waiting.
///
/// It also tells a full load when the writers have applied what it published
/// (`waitUntilApplied`), which its reconciliation waits for.
actor BacklogGate {
    private let admin: KafkaAdmin
    private let gated: Bool
    private let topics: [String]
    private let run: RoleRun
    private let logger: Logger
    private var estimate: BacklogEstimate

    /// `maxBacklog` 0 turns the gate off.
    init(maxBacklog: Int, kafka: KafkaConfiguration, topics: [String], run: RoleRun, logger: Logger) throws {
        self.estimate = BacklogEstimate(maxBacklog: maxBacklog)
        self.admin = try KafkaAdmin(configuration: kafka, logger: logger)
        self.gated = maxBacklog > 0
        self.topics = topics
        self.run = run
        self.logger = logger
    }

    /// Returns when `count` more records may be published.
    func admit(_ count: Int) async throws {
        guard gated, count > 0 else { return }
        if estimate.admitsWithoutMeasuring(count, now: .now) { return }
        var waitedSince: ContinuousClock.Instant?
        while true {
            let lag = Int(try await admin.lag(group: Topics.writerGroup(.crmToCampaign), topics: topics).total)
            run.counters.backlog(lag)
            if estimate.measured(lag: lag, admitting: count, now: .now) { break }
            if waitedSince == nil {
                waitedSince = .now
                let maxBacklog = estimate.maxBacklog
                logger.info("the writers' backlog is at maxBacklog; waiting before the next page",
                            metadata: ["backlog": "\(lag)", "maxBacklog": "\(maxBacklog)"])
                run.setDetail("waitingForWriters", "backlog \(lag) ≥ maxBacklog \(maxBacklog)")
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        if let waitedSince {
            run.setDetail("waitingForWriters", nil)
            logger.info("the writers caught up; publishing again", metadata: [
                "waited": "\(ContinuousClock.now - waitedSince)", "backlog": "\(estimate.lastLag)"])
        }
    }

    /// Returns once the writers have committed everything on `topic` up to its high
    /// watermarks as read on entry: every message published before the call is applied
    /// in Campaign. Until then the reader's status detail says what it waits for.
    func waitUntilApplied(topic: String, before what: String) async throws {
        let group = Topics.writerGroup(.crmToCampaign)
        var reading = try await admin.lag(group: group, topics: [topic])
        let marks = Dictionary(uniqueKeysWithValues: reading.partitions.map { ($0.partition, $0.highWatermark) })
        var waitedSince: ContinuousClock.Instant?
        while true {
            let behind = reading.partitions.reduce(Int64(0)) { sum, partition in
                let applied = max(partition.committed ?? partition.lowWatermark, partition.lowWatermark)
                return sum + max(0, (marks[partition.partition] ?? 0) - applied)
            }
            if behind == 0 { break }
            if waitedSince == nil {
                waitedSince = .now
                logger.info("waiting for the writers to apply what was published", metadata: [
                    "topic": "\(topic)", "behind": "\(behind)", "before": "\(what)"])
            }
            run.setDetail("waitingForWriters", "\(behind) records of \(topic) to apply before \(what)")
            try await Task.sleep(for: .milliseconds(250))
            reading = try await admin.lag(group: group, topics: [topic])
        }
        if let waitedSince {
            run.setDetail("waitingForWriters", nil)
            logger.info("the writers applied what was published", metadata: [
                "topic": "\(topic)", "waited": "\(ContinuousClock.now - waitedSince)"])
        }
    }
}
