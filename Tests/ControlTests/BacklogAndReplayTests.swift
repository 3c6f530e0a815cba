@testable import ControlService
import CoreValues
import Foundation
import KafkaBridge
import TestSupport
import Testing
import WorkflowRuntime

/// The backlog is the writer group's lag read from Kafka; a replay moves that group's
/// offsets, only while the workflow is stopped.
@Suite("Backlog and replay against the Kafka mock cluster")
struct BacklogAndReplayTests {
    let topic = Topics.crmToCampaign(entity: "contact")
    let group = Topics.writerGroup(.crmToCampaign)

    @Test func theBacklogEqualsProducedMinusCommittedWhileALoadDrains() async throws {
        try await ControlHarness.with { harness in
            try harness.ensureTopic(topic, partitions: 3)
            let produced = try await KafkaLoad(configuration: harness.kafkaConfiguration).produce(600, to: topic)
            #expect(produced == 600)
            _ = try await harness.call("POST", "/api/workflows/crm-to-campaign/start")

            // Nothing committed yet: everything produced is backlog.
            #expect(try await harness.workflow(.crmToCampaign)["backlog"] as? Int == produced)

            let writer = try await TestWriter(configuration: harness.kafkaConfiguration, group: group, topic: topic)
            let messages = try await writer.read(produced)
            var committed: [Int32: Int64] = [:]
            for step in [150, 300, 450, 600] {
                let batch = Array(messages.prefix(step))
                for (partition, offset) in try await writer.commit(through: batch) {
                    committed[partition] = max(committed[partition] ?? 0, offset)
                }
                // Partitions start at offset 0, so the committed offsets sum to the records written.
                let expected = produced - Int(committed.values.reduce(0, +))
                let shown = try await harness.workflow(.crmToCampaign)
                #expect(shown["backlog"] as? Int == expected, "after committing \(step) of \(produced)")
                #expect(shown["backlogError"] == nil)
            }
            #expect(try await harness.workflow(.crmToCampaign)["backlog"] as? Int == 0)
            await writer.close()
        }
    }

    @Test func whileKafkaIsDownTheListStillAnswersWithTheLastBacklogAndWhy() async throws {
        try await ControlHarness.with { harness in
            try harness.ensureTopic(topic, partitions: 2)
            let produced = try await KafkaLoad(configuration: harness.kafkaConfiguration).produce(40, to: topic)
            #expect(try await harness.workflow(.crmToCampaign)["backlog"] as? Int == produced)

            try harness.kafka.setBrokerDown(1)
            let started = ContinuousClock.now
            let down = try await harness.call("GET", "/api/workflows")
            #expect(down.status == 200)
            #expect(ContinuousClock.now - started < .seconds(20))
            let item = try #require(down.array.first)
            #expect(item["backlog"] as? Int == produced, "the last value read")
            #expect((item["backlogError"] as? String)?.hasPrefix("Kafka not readable") == true)

            try harness.kafka.setBrokerUp(1)
            try await harness.waitFor(.crmToCampaign, "Kafka readable again", timeout: .seconds(60)) {
                $0["backlogError"] == nil && $0["backlog"] as? Int == produced
            }
        }
    }

    @Test func replayIsRefusedWith409WhileTheWorkflowRuns() async throws {
        try await ControlHarness.with { harness in
            _ = try await harness.call("POST", "/api/workflows/crm-to-campaign/start")
            let answer = try await harness.call(
                "POST", "/api/workflows/crm-to-campaign/replay", json: ["entity": "contact", "from": "earliest"])
            #expect(answer.status == 409)
            #expect((answer.object["error"] as? String)?.contains("stop it before a replay") == true)
            let resync = try await harness.call(
                "POST", "/api/workflows/crm-to-campaign/replay", json: ["entity": "contact", "resync": true])
            #expect(resync.status == 409)
        }
    }

    @Test func aBadReplayBodyIsA400WithAClearMessage() async throws {
        try await ControlHarness.with { harness in
            let cases: [(Any?, String?, String)] = [
                (nil, "not json", "is not"),
                (["from": "earliest"], nil, "\"entity\" is missing"),
                (["entity": "contact"], nil, "say where to replay from"),
                (["entity": "contact", "from": "yesterday"], nil, "RFC 3339"),
                (["entity": "contact", "from": "earliest", "resync": true], nil, "exclude each other"),
                (["entity": "nobody", "from": "earliest"], nil, "has no entity \"nobody\" (entities: contact)"),
            ]
            for (json, body, message) in cases {
                let answer = try await harness.call(
                    "POST", "/api/workflows/crm-to-campaign/replay", json: json, body: body, contentType: "application/json")
                #expect(answer.status == 400, "\(message)")
                #expect((answer.object["error"] as? String)?.contains(message) == true, "\(answer.text)")
            }
            let resyncElsewhere = try await harness.call(
                "POST", "/api/workflows/opt-in-out/replay", json: ["entity": "from-crm", "resync": true])
            #expect(resyncElsewhere.status == 400)
        }
    }

    @Test func replayFromEarliestMovesTheWriterGroupBackToTheStart() async throws {
        try await ControlHarness.with { harness in
            try harness.ensureTopic(topic, partitions: 2)
            let produced = try await KafkaLoad(configuration: harness.kafkaConfiguration).produce(80, to: topic)
            let writer = try await TestWriter(configuration: harness.kafkaConfiguration, group: group, topic: topic)
            try await writer.commit(through: try await writer.read(produced))
            await writer.close()
            #expect(try await harness.workflow(.crmToCampaign)["backlog"] as? Int == 0)

            let answer = try await harness.call(
                "POST", "/api/workflows/crm-to-campaign/replay", json: ["entity": "contact", "from": "earliest"])
            #expect(answer.status == 200, "\(answer.text)")
            #expect(answer.object["topic"] as? String == topic)
            #expect(answer.object["group"] as? String == group)
            #expect((answer.object["offsets"] as? [String: Int])?.values.allSatisfy { $0 == 0 } == true)

            let admin = try KafkaAdmin(configuration: harness.kafkaConfiguration, logger: TestKafka.logger)
            let committed = try await admin.committedOffsets(group: group, topic: topic)
            let partitions = try await admin.partitions(topic: topic)
            #expect(committed.values.allSatisfy { $0 == 0 } && committed.count == partitions.count)
            #expect(try await harness.workflow(.crmToCampaign)["backlog"] as? Int == produced)
        }
    }

    @Test func replayFromATimeRereadsOnlyWhatCameAfterIt() async throws {
        try await ControlHarness.with { harness in
            try harness.ensureTopic(topic, partitions: 2)
            let load = KafkaLoad(configuration: harness.kafkaConfiguration)
            let now = Date()
            let old = try await load.produce(30, to: topic, timestamp: now.addingTimeInterval(-7200), keyPrefix: "old")
            let recent = try await load.produce(20, to: topic, timestamp: now.addingTimeInterval(-60), keyPrefix: "new")
            let writer = try await TestWriter(configuration: harness.kafkaConfiguration, group: group, topic: topic)
            try await writer.commit(through: try await writer.read(old + recent))
            await writer.close()

            let from = DateTimeText.rfc3339(now.addingTimeInterval(-3600))
            let answer = try await harness.call(
                "POST", "/api/workflows/crm-to-campaign/replay", json: ["entity": "contact", "from": from])
            #expect(answer.status == 200, "\(answer.text)")
            #expect(try await harness.workflow(.crmToCampaign)["backlog"] as? Int == recent)
        }
    }

    @Test func resyncAsksTheReaderToReadTheEntityAgain() async throws {
        try await ControlHarness.with { harness in
            let answer = try await harness.call(
                "POST", "/api/workflows/crm-to-campaign/replay", json: ["entity": "contact", "resync": true])
            #expect(answer.status == 200, "\(answer.text)")
            #expect(answer.object["resync"] as? Bool == true)
            let state = ConnectorStateStore(database: harness.roleDatabase)
            #expect(try await state.get(.crmToCampaign, entity: "contact", .resyncRequested) != nil)
        }
    }
}
