import CRMConnectors
import KafkaBridge
import WorkflowRuntime

/// One poll of the egress writer, sorted out before its calls go out: the email events
/// and each export's records to write, the offsets to commit once the CRM answered for
/// all of them, and the records it writes (`keys`: each email event by its id, each
/// export row by its topic and row id), so that two polls in flight never write the same
/// record (`WritesInFlight`).
struct EgressPoll: Sendable {
    typealias Export = (plan: ExportPlan, writer: any CRMExportWriter)

    var emailEvents: EmailEventBatch?
    var exports: [(batch: ExportBatch, writer: any CRMExportWriter)] = []
    var offsets: [KafkaTopicPartitionOffset]
    var keys: Set<String> = []

    init(messages: [KafkaMessage], exports byTopic: [String: Export]) {
        offsets = EgressWriter.offsets(messages)
        for (topic, topicMessages) in Dictionary(grouping: messages, by: \.topic) {
            if topic == Topics.emailEvents {
                let batch = EmailEventBatch(messages: topicMessages)
                for item in batch.items { keys.insert("email-event|" + item.event.eventID) }
                emailEvents = batch
            } else if let export = byTopic[topic] {
                let batch = ExportBatch(plan: export.plan, messages: topicMessages)
                for item in batch.items { keys.insert(topic + "|" + item.record.rowID) }
                exports.append((batch, export.writer))
            }
        }
    }
}
