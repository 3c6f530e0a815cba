import CRMConnectors
import CoreValues
import Foundation
import KafkaBridge
import WorkflowRuntime

/// The messages of one poll on an export's topic, sorted out: the records to write (the
/// last message of each row: one CRM call must not name a row twice), the bad messages
/// (rejected here with a clear code), and the offsets to commit once the CRM answered.
struct ExportBatch: Sendable {
    struct Item: Sendable {
        var record: CRMExportRecord
        var origin: EmailEventBatch.Origin
    }

    let plan: ExportPlan
    var items: [Item] = []
    var rejects: [RejectStore.Reject] = []

    init(plan: ExportPlan, messages: [KafkaMessage]) {
        self.plan = plan
        var position: [String: Int] = [:]
        for message in messages {
            let origin = EmailEventBatch.Origin(topic: message.topic, partition: message.partition, offset: message.offset)
            let result: Result<CRMExportRecord, ExportPlan.Problem>
            switch Envelope.decode(message.value ?? []) {
            case .failure(let error):
                // Named by its key (the row id), as every writer's bad-envelope reject is.
                result = .failure(.init(id: message.key.map { String(decoding: $0, as: UTF8.self) }, symbol: "bad-envelope", message: "\(error)"))
            case .success(let envelope): result = plan.record(envelope)
            }
            switch result {
            case .failure(let problem):
                rejects.append(Self.reject(plan, origin, id: problem.id, symbol: problem.symbol, problem.message))
            case .success(let record):
                if let at = position[record.rowID] {
                    items[at] = Item(record: record, origin: origin)
                } else {
                    position[record.rowID] = items.count
                    items.append(Item(record: record, origin: origin))
                }
            }
        }
    }

    static func reject(_ plan: ExportPlan, _ origin: EmailEventBatch.Origin, id: String?, symbol: String, _ message: String) -> RejectStore.Reject {
        RejectStore.Reject(
            workflow: .campaignToCRM, entity: plan.name, recordID: id, errorSymbol: symbol, errorMessage: message,
            topic: origin.topic, partition: origin.partition, offset: origin.offset)
    }
}
