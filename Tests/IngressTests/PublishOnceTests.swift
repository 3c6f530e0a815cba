import Config
import CoreValues
import Foundation
import KafkaBridge
import TestSupport
import Testing

extension IngressEndToEnd {
    /// Each window re-reads the default 5 s look-back of the last one (windows every
    /// second here, so a change is read about six times), yet a version is published once:
    /// N changes are N messages and a backlog of N. A record committed late inside the
    /// look-back and a record changed again are still published.
    @Suite struct PublishOnceTests {
        static func contacts(_ crm: CRMKind) -> TestEntity { TestEntity.contact(crm) }
        static let lookBack: TimeInterval = 5

        @Test(arguments: [CRMKind.dynamics, .salesforce])
        func changesMadeWhileNoWriterRunsArePublishedOnceEach(crm: CRMKind) async throws {
            let entity = Self.contacts(crm)
            let stack = try await TestStack.start(crm: crm, workflowsYAML: TestEntity.workflow([entity]))
            // No writer: the backlog is everything published.
            let roles = try await IngressRoles.start(stack, writers: 0)
            defer { roles.stop() }
            try await roles.waitForWindow(entity, after: Date())

            // N creates, in two halves with a completed window between them.
            var created: [String] = []
            for half in 1...2 {
                for index in 1...20 {
                    created.append(try await stack.crmAPI.create(entity.remoteObject, TestRecords.contact(
                        crm, first: "Once \(half)", last: "Created \(index)", email: "once.\(half).\(index)@example.com")))
                }
                try await roles.waitForWindow(entity, after: Date())
            }
            // Every window that reads them again has run once a window starts after them.
            try await roles.waitForWindow(entity, after: Date().addingTimeInterval(Self.lookBack + 1), timeout: .seconds(90))
            let n = created.count
            var messages = try await stack.messages(entity.topic)
            #expect(Self.keyCounts(messages) == Dictionary(uniqueKeysWithValues: created.map { ($0, 1) }), "\(Self.summary(messages))")
            #expect(try await roles.writerLag([entity]) == Int64(n))
            #expect(Set(messages.compactMap { $0.header(EnvelopeHeaders.traceID) }).count >= 2, "published by one window only")

            // A record committed now with a time a completed window already covered, inside
            // the look-back; and a published record changed again.
            let option = try #require(try await stack.option(stack.lastImportName(entity.name)))
            let past = try LastImportOption.parse(option).get().addingTimeInterval(-1)
            let late = try await stack.lateRecord(entity.remoteObject, TestRecords.contact(
                crm, first: "Late", last: "Commit", email: "late.once@example.com"), modifiedAt: TestRecords.iso(past))
            let changed = created[0]
            try await stack.crmAPI.update(entity.remoteObject, id: changed, [TestRecords.lastNameField(crm): "Changed Again"])
            try await roles.waitForWindow(entity, after: Date().addingTimeInterval(Self.lookBack + 1), timeout: .seconds(90))

            messages = try await stack.messages(entity.topic)
            var expected = Dictionary(uniqueKeysWithValues: created.map { ($0, 1) })
            expected[late] = 1
            expected[changed] = 2
            #expect(Self.keyCounts(messages) == expected, "\(Self.summary(messages))")
            #expect(try await roles.writerLag([entity]) == Int64(n + 2))
            let versions = messages.filter { $0.key.map { String(decoding: $0, as: UTF8.self) } == changed }
                .compactMap { $0.value.flatMap { try? Envelope.decode($0).get() } }
            try #require(versions.count == 2)
            #expect(versions[0].modifiedAt < versions[1].modifiedAt, "the change was published before the version it replaced")
        }

        static func keyCounts(_ messages: [KafkaMessage]) -> [String: Int] {
            messages.reduce(into: [:]) { counts, message in
                counts[message.key.map { String(decoding: $0, as: UTF8.self) } ?? "", default: 0] += 1
            }
        }

        static func summary(_ messages: [KafkaMessage]) -> String {
            let counts = keyCounts(messages)
            let repeated = counts.filter { $0.value > 1 }.count
            return "\(messages.count) messages, \(counts.count) keys, \(repeated) keys more than once"
        }
    }
}
