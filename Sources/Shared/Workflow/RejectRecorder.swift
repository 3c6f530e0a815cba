import KafkaBridge
import Logging
import PostgresBridge

/// Where a writer's refused records go (SPEC §2.2, §4): the `crmbridge.rejects` table (a
/// re-delivered message is not recorded twice), the workflow's rejects topic, the role's
/// reject counter, and the log (`RejectLog`: each of the first ones, then a summary), so
/// a reject is visible even without reject processing.
public struct RejectRecorder: Sendable {
    let database: PostgresConnection
    let producer: KafkaProducer
    let run: RoleRun
    let logger: Logger

    public init(database: PostgresConnection, producer: KafkaProducer, run: RoleRun, logger: Logger) {
        self.database = database
        self.producer = producer
        self.run = run
        self.logger = logger
    }

    public func record(_ rejects: [RejectStore.Reject]) async throws {
        guard !rejects.isEmpty else { return }
        try await RejectStore(database: database).record(rejects)
        try await producer.send(rejects.map { reject in
            KafkaRecord(topic: Topics.rejects(run.workflow), key: reject.recordID.map { Array($0.utf8) },
                        value: Array(RejectJSON.encode(reject).utf8))
        })
        run.counters.rejected(rejects.count)
        RejectLog.log(rejects, to: logger)
    }
}
