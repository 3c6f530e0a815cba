import Foundation
import Shared

/// One polled batch, sorted out: per entity the newest envelope of each key (one
/// statement must not touch a row twice, and only the newest can win anyway), the
/// messages that are not valid envelopes, and the offsets to commit afterwards.
struct WriterBatch: Sendable {
    struct EntityChanges: Sendable {
        var upserts: [Envelope] = []
        var deletes: [(id: String, at: Date)] = []
        /// Where each record's message is, by CRM id, so a reject names it (and a
        /// re-delivered message is not rejected twice).
        var origins: [String: Origin] = [:]
    }

    struct Origin: Sendable {
        var topic: String
        var partition: Int32
        var offset: Int64
    }

    var changes: [String: EntityChanges] = [:]
    var rejects: [RejectStore.Reject] = []
    /// Per topic-partition, the next offset to commit (last processed + 1).
    var offsets: [KafkaTopicPartitionOffset] = []
    var messageCount = 0

    init(messages: [KafkaMessage], knownEntities: Set<String>) {
        messageCount = messages.count
        var newest: [String: [String: (envelope: Envelope, order: Int, origin: Origin)]] = [:]
        var next: [KafkaTopicPartition: Int64] = [:]
        for (order, message) in messages.enumerated() {
            let partition = KafkaTopicPartition(topic: message.topic, partition: message.partition)
            next[partition] = max(next[partition] ?? 0, message.offset + 1)
            switch Envelope.decode(message.value ?? []) {
            case .failure(let error):
                rejects.append(reject(message, symbol: "bad-envelope", "\(error)"))
            case .success(let envelope):
                guard knownEntities.contains(envelope.entity), message.topic == Topics.crmToCampaign(entity: envelope.entity) else {
                    rejects.append(reject(message, entity: envelope.entity, id: envelope.id, symbol: "unknown-entity",
                                          "entity \"\(envelope.entity)\" is not mapped for topic \(message.topic)"))
                    continue
                }
                let current = newest[envelope.entity]?[envelope.id]
                // Newer wins; at equal times the later message (a re-read) wins.
                if current == nil || current!.envelope.modifiedAt <= envelope.modifiedAt {
                    let origin = Origin(topic: message.topic, partition: message.partition, offset: message.offset)
                    newest[envelope.entity, default: [:]][envelope.id] = (envelope, order, origin)
                }
            }
        }
        for (entity, byID) in newest {
            var entityChanges = EntityChanges()
            for (_, item) in byID.sorted(by: { $0.value.order < $1.value.order }) {
                entityChanges.origins[item.envelope.id] = item.origin
                switch item.envelope.op {
                case .upsert: entityChanges.upserts.append(item.envelope)
                case .delete: entityChanges.deletes.append((item.envelope.id, item.envelope.modifiedAt))
                }
            }
            changes[entity] = entityChanges
        }
        offsets = next.map { KafkaTopicPartitionOffset(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value) }
    }

    private func reject(_ message: KafkaMessage, entity: String? = nil, id: String? = nil, symbol: String, _ text: String) -> RejectStore.Reject {
        RejectStore.Reject(
            workflow: .crmToCampaign, entity: entity, recordID: id ?? message.key.map { String(decoding: $0, as: UTF8.self) },
            errorSymbol: symbol, errorMessage: text, topic: message.topic, partition: message.partition, offset: message.offset)
    }
}
