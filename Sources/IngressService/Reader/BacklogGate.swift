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
actor BacklogGate {
    private let admin: KafkaAdmin?
    private let topics: [String]
    private let run: RoleRun
    private let logger: Logger
    private var estimate: BacklogEstimate

    /// `maxBacklog` 0 turns the gate off.
    init(maxBacklog: Int, kafka: KafkaConfiguration, topics: [String], run: RoleRun, logger: Logger) throws {
        self.estimate = BacklogEstimate(maxBacklog: maxBacklog)
        self.admin = maxBacklog > 0 ? try KafkaAdmin(configuration: kafka, logger: logger) : nil
        self.topics = topics
        self.run = run
        self.logger = logger
    }

    /// Returns when `count` more records may be published.
    func admit(_ count: Int) async throws {
        guard let admin, count > 0 else { return }
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
}
