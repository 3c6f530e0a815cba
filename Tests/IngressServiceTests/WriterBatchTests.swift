import CoreValues
import Foundation
@testable import IngressService
import KafkaBridge
import Testing
import WorkflowRuntime

@Suite struct WriterBatchTests {
    let topic = Topics.crmToCampaign(entity: "contact")
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func message(_ envelope: Envelope, partition: Int32 = 0, offset: Int64, topic: String? = nil) -> KafkaMessage {
        KafkaMessage(topic: topic ?? self.topic, partition: partition, offset: offset, key: Array(envelope.id.utf8),
                     value: envelope.encoded(), headers: [], timestamp: nil)
    }

    func upsert(_ id: String, at seconds: TimeInterval, name: String, entity: String = "contact") -> Envelope {
        Envelope(op: .upsert, system: .dynamics, entity: entity, id: id, modifiedAt: t0.addingTimeInterval(seconds),
                 fields: ["name": .string(name)])
    }

    @Test func theNewestVersionOfEachRecordWinsWhateverTheOrderOfMessages() throws {
        let batch = WriterBatch(messages: [
            message(upsert("a", at: 10, name: "newer"), offset: 0),
            message(upsert("a", at: 5, name: "older"), offset: 1),
            message(upsert("b", at: 1, name: "only"), offset: 2),
        ], knownEntities: ["contact"])
        let upserts = try #require(batch.changes["contact"]).upserts
        #expect(upserts.map(\.id) == ["a", "b"])
        #expect(upserts.first?.fields["name"] == .string("newer"))
        #expect(batch.rejects.isEmpty)
    }

    @Test func atEqualTimesTheLaterMessageWins() throws {
        let batch = WriterBatch(messages: [
            message(upsert("a", at: 10, name: "first"), offset: 0),
            message(upsert("a", at: 10, name: "re-read"), offset: 1),
        ], knownEntities: ["contact"])
        let changes = try #require(batch.changes["contact"])
        #expect(changes.upserts.map { $0.fields["name"] } == [.string("re-read")])
        #expect(changes.origins.byID()["a"]?.offset == 1)
    }

    @Test func aDeleteNewerThanTheUpsertReplacesIt() throws {
        let delete = Envelope(op: .delete, system: .dynamics, entity: "contact", id: "a", modifiedAt: t0.addingTimeInterval(20))
        let batch = WriterBatch(messages: [
            message(upsert("a", at: 10, name: "x"), offset: 0),
            message(delete, offset: 1),
        ], knownEntities: ["contact"])
        let changes = try #require(batch.changes["contact"])
        #expect(changes.upserts.isEmpty)
        #expect(changes.deletes.map(\.id) == ["a"])
    }

    @Test func aMessageThatIsNotAnEnvelopeIsRejectedNamingWhereItIs() throws {
        let bad = KafkaMessage(topic: topic, partition: 3, offset: 41, key: Array("k1".utf8), value: Array("{not json".utf8),
                               headers: [], timestamp: nil)
        let batch = WriterBatch(messages: [bad], knownEntities: ["contact"])
        let reject = try #require(batch.rejects.first)
        #expect(batch.rejects.count == 1)
        #expect(reject.errorSymbol == "bad-envelope")
        #expect(reject.recordID == "k1")
        #expect(reject.topic == topic && reject.partition == 3 && reject.offset == 41)
        #expect(batch.changes.isEmpty)
    }

    @Test func anEnvelopeOfAnUnmappedEntityOrOnAnotherEntitysTopicIsRejected() {
        let batch = WriterBatch(messages: [
            message(upsert("a", at: 1, name: "x", entity: "account"), offset: 0),
            message(upsert("b", at: 1, name: "y", entity: "lead"), offset: 1),
        ], knownEntities: ["contact", "lead"])
        #expect(batch.rejects.map(\.errorSymbol) == ["unknown-entity", "unknown-entity"])
        #expect(batch.rejects.map(\.recordID) == ["a", "b"])
        #expect(batch.changes.isEmpty)
    }

    @Test func theOffsetsToCommitAreOnePastTheLastMessageOfEachPartitionRejectsIncluded() {
        let batch = WriterBatch(messages: [
            message(upsert("a", at: 1, name: "x"), partition: 0, offset: 7),
            message(upsert("b", at: 1, name: "x"), partition: 0, offset: 9),
            message(upsert("c", at: 1, name: "x"), partition: 1, offset: 3),
            KafkaMessage(topic: topic, partition: 2, offset: 100, key: nil, value: nil, headers: [], timestamp: nil),
        ], knownEntities: ["contact"])
        let offsets = Dictionary(uniqueKeysWithValues: batch.offsets.map { ($0.partition, $0.offset) })
        #expect(offsets == [0: 10, 1: 4, 2: 101])
        #expect(batch.messageCount == 4)
    }
}
