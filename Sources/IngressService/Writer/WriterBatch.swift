import CoreValues
import Foundation
import KafkaBridge
import WorkflowRuntime

/// One polled batch, sorted out: per entity the newest envelope of each key (one
/// statement must not touch a row twice, and only the newest can win anyway), the
/// messages that are not valid envelopes, and the offsets to commit afterwards.
struct WriterBatch: Sendable {
    struct EntityChanges: Sendable {
        var upserts: [Envelope] = []
        var deletes: [(id: String, at: Date)] = []
        /// Where each record's message is, so a reject names it (and a re-delivered
        /// message is not rejected twice).
        var origins = Origins()
    }

    /// Record ids and where their messages are, side by side; a dictionary is built
    /// only when a reject needs one.
    struct Origins: Sendable {
        var ids: [String] = []
        var places: [Origin] = []

        mutating func append(_ id: String, _ origin: Origin) {
            ids.append(id)
            places.append(origin)
        }

        func byID() -> [String: Origin] {
            Dictionary(zip(ids, places), uniquingKeysWith: { _, last in last })
        }
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
        var entities = NewestPerKey.ByEntity(capacity: messages.count)
        var next: [KafkaTopicPartition: Int64] = [:]
        for message in messages {
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
                let origin = Origin(topic: message.topic, partition: message.partition, offset: message.offset)
                entities.offer(envelope, origin)
            }
        }
        for (entity, newest) in entities.all {
            var entityChanges = EntityChanges()
            for (envelope, origin) in newest.items {
                entityChanges.origins.append(envelope.id, origin)
                switch envelope.op {
                case .upsert: entityChanges.upserts.append(envelope)
                case .delete: entityChanges.deletes.append((envelope.id, envelope.modifiedAt))
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

/// The newest envelope of each key of one entity, in the order keys first appeared.
/// Newer wins; at equal times the later message (a re-read) wins.
private struct NewestPerKey {
    var items: [(envelope: Envelope, origin: WriterBatch.Origin)] = []
    private var slots: [String: Int] = [:]

    init(capacity: Int) {
        items.reserveCapacity(capacity)
        slots.reserveCapacity(capacity)
    }

    mutating func offer(_ envelope: Envelope, _ origin: WriterBatch.Origin) {
        // One hash per new key: insert first, undo on the rare repeated key.
        if let slot = slots.updateValue(items.count, forKey: envelope.id) {
            slots[envelope.id] = slot
            if items[slot].envelope.modifiedAt <= envelope.modifiedAt { items[slot] = (envelope, origin) }
        } else {
            items.append((envelope, origin))
        }
    }

    /// Per entity, with the last entity remembered: a batch is nearly always one entity.
    struct ByEntity {
        private(set) var all: [(entity: String, newest: NewestPerKey)] = []
        private var last = -1
        private let capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
        }

        mutating func offer(_ envelope: Envelope, _ origin: WriterBatch.Origin) {
            if last < 0 || all[last].entity != envelope.entity {
                if let index = all.firstIndex(where: { $0.entity == envelope.entity }) {
                    last = index
                } else {
                    all.append((envelope.entity, NewestPerKey(capacity: capacity)))
                    last = all.count - 1
                }
            }
            all[last].newest.offer(envelope, origin)
        }
    }
}
