import Foundation
import KafkaBridge
import Logging
import PostgresBridge
import WorkflowRuntime

/// Where a refused change goes (as for the other workflows): the `crmbridge.rejects`
/// table (a re-delivered message is not recorded twice), the topic
/// `crmbridge.opt-in-out.rejects`, and a warning in the log with code and message.
struct OptOutRejects: Sendable {
    let database: PostgresConnection
    let producer: KafkaProducer
    let run: RoleRun
    let logger: Logger

    func record(_ rejects: [RejectStore.Reject]) async throws {
        guard !rejects.isEmpty else { return }
        try await RejectStore(database: database).record(rejects)
        try await producer.send(rejects.map { reject in
            KafkaRecord(topic: Topics.rejects(.optInOut), key: reject.recordID.map { Array($0.utf8) },
                        value: Array(RejectJSON.encode(reject).utf8))
        })
        run.counters.rejected(rejects.count)
        for reject in rejects {
            logger.warning("record rejected", metadata: [
                "entity": "\(reject.entity ?? "")", "id": "\(reject.recordID ?? "")",
                "errorSymbol": "\(reject.errorSymbol)", "errorMessage": "\(reject.errorMessage)"])
        }
    }
}
