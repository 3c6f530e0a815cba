import Config
import KafkaBridge
import Logging
import Synchronization
import WorkflowRuntime

/// A workflow's backlog as Kafka sees it: the lag of its writer group
/// (`Topics.writerGroup`) over its topics, log-end offset minus committed offset,
/// never a counter of ours. A topic not created yet counts as empty.
final class BacklogReader: Sendable {
    struct Reading: Sendable, Equatable {
        /// Records read and queued but not yet written.
        var total: Int64
        var byTopic: [String: Int64]
        /// Why Kafka could not be read; `total` is then the last value read.
        var error: String?
    }

    private struct Memory {
        var lastKnown: [WorkflowName: Int64] = [:]
        /// The last failure, so that during an outage each answer does not wait for
        /// Kafka's timeout again: reads are skipped for `retryAfter`.
        var failure: (at: ContinuousClock.Instant, message: String)?
        /// The read of each workflow under way. Kafka calls run one at a time on the
        /// admin's queue and each may wait for Kafka's timeout: without this, answers and
        /// samples asked for during an outage would queue reads faster than they finish.
        var inFlight: [WorkflowName: Task<[String: Int64], any Error>] = [:]
    }

    private let admin: KafkaAdmin
    private let logger: Logger
    private let retryAfter: Duration
    private let answerWithin: Duration
    private let memory = Mutex(Memory())

    /// `answerWithin`: how long an answer waits for Kafka before it shows the last backlog
    /// read with the reason; the read goes on and its result is kept for the next answer.
    init(admin: KafkaAdmin, logger: Logger, retryAfter: Duration = .seconds(10), answerWithin: Duration = .seconds(5)) {
        self.admin = admin
        self.logger = logger
        self.retryAfter = retryAfter
        self.answerWithin = answerWithin
    }

    func read(_ workflow: WorkflowName, topics: [String]) async -> Reading {
        let retryAfter = retryAfter
        if let recent = memory.withLock({ memory in
            memory.failure.flatMap { ContinuousClock.now - $0.at < retryAfter ? $0.message : nil }
        }) {
            return Reading(total: memory.withLock { $0.lastKnown[workflow] } ?? 0, byTopic: [:], error: recent)
        }
        do {
            guard let byTopic = try await Self.value(of: inFlightRead(workflow, topics: topics), within: answerWithin) else {
                let message = "Kafka not readable: no answer within \(answerWithin)"
                let last = memory.withLock { memory in
                    memory.failure = (ContinuousClock.now, message)
                    return memory.lastKnown[workflow] ?? 0
                }
                return Reading(total: last, byTopic: [:], error: message)
            }
            let total = byTopic.values.reduce(0, +)
            memory.withLock {
                $0.lastKnown[workflow] = total
                $0.failure = nil
            }
            return Reading(total: total, byTopic: byTopic, error: nil)
        } catch {
            logger.warning("backlog not readable from Kafka", metadata: ["workflow": "\(workflow.rawValue)", "error": "\(error)"])
            let message = "Kafka not readable: \(Self.describe(error))"
            let last = memory.withLock { memory in
                memory.failure = (ContinuousClock.now, message)
                return memory.lastKnown[workflow] ?? 0
            }
            return Reading(total: last, byTopic: [:], error: message)
        }
    }

    /// The read of `workflow` under way, or a new one. A read that ends after its answer
    /// gave up still records what it found.
    private func inFlightRead(_ workflow: WorkflowName, topics: [String]) -> Task<[String: Int64], any Error> {
        memory.withLock { state in
            if let running = state.inFlight[workflow] { return running }
            let task = Task { [self] in
                defer { memory.withLock { _ = $0.inFlight.removeValue(forKey: workflow) } }
                let byTopic = try await lag(group: Topics.writerGroup(workflow), topics: topics)
                memory.withLock {
                    $0.lastKnown[workflow] = byTopic.values.reduce(0, +)
                    $0.failure = nil
                }
                return byTopic
            }
            state.inFlight[workflow] = task
            return task
        }
    }

    /// The task's value, or nil when it takes longer than `timeout` (the task goes on).
    static func value<T: Sendable>(of task: Task<T, any Error>, within timeout: Duration) async throws -> T? {
        try await withCheckedThrowingContinuation { continuation in
            let once = ResumeOnce(continuation)
            Task { once.resume(with: await task.result.map { Optional($0) }) }
            Task {
                try? await Task.sleep(for: timeout)
                once.resume(with: .success(nil))
            }
        }
    }

    /// A continuation the first of two racing tasks resumes.
    private final class ResumeOnce<T: Sendable>: Sendable {
        private let continuation: Mutex<CheckedContinuation<T, any Error>?>

        init(_ continuation: CheckedContinuation<T, any Error>) {
            self.continuation = Mutex(continuation)
        }

        func resume(with result: Result<T, any Error>) {
            continuation.withLock { waiting in
                defer { waiting = nil }
                return waiting
            }?.resume(with: result)
        }
    }

    private func lag(group: String, topics: [String]) async throws -> [String: Int64] {
        guard !topics.isEmpty else { return [:] }
        do {
            return Self.byTopic(try await admin.lag(group: group, topics: topics), topics: topics)
        } catch let error as KafkaError where Self.isMissingTopic(error) {
            // One call per topic to tell the missing ones (never produced to yet) apart.
            var result: [String: Int64] = [:]
            for topic in topics {
                do {
                    result[topic] = try await admin.lag(group: group, topics: [topic]).total
                } catch let error as KafkaError where Self.isMissingTopic(error) {
                    result[topic] = 0
                }
            }
            return result
        }
    }

    private static func byTopic(_ lag: KafkaGroupLag, topics: [String]) -> [String: Int64] {
        Dictionary(uniqueKeysWithValues: topics.map { ($0, lag.total(topic: $0)) })
    }

    static func isMissingTopic(_ error: KafkaError) -> Bool {
        [.unknownTopicOrPartition, .unknownTopic, .unknownPartition].contains(error.code)
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? KafkaError { return "\(error.code.name): \(error.message)" }
        return "\(error)"
    }
}
