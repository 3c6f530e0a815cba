import Foundation
import KafkaBridge
import TestSupport
import Testing
import WorkflowRuntime

extension IngressEndToEnd {
    /// The reader publishes no further page while the writers' backlog is at `maxBacklog`,
    /// and goes on once writers drain it: nothing is lost, nothing runs far ahead.
    @Suite struct BackPressureTests {
        static let maxBacklog = 3000
        static let pageSize = 1000
        static let contacts = 12_000

        @Test func theReaderWaitsAtMaxBacklogUntilAWriterDrainsIt() async throws {
            let entity = TestEntity.contact(.dynamics).with { $0.pageSize = Self.pageSize; $0.deletes = false }
            let yaml = TestEntity.workflow([entity])
                .replacingOccurrences(of: "  crm-to-campaign:\n", with: "  crm-to-campaign:\n    maxBacklog: \(Self.maxBacklog)\n")
            let stack = try await TestStack.start(crm: .dynamics, workflowsYAML: yaml)
            try await stack.seed(entity.remoteObject, count: Self.contacts)
            let roles = try await IngressRoles.start(stack, readers: 1, writers: 0)
            defer { roles.stop() }

            try await roles.waitUntil("the reader waiting for writers") {
                let rows = try await stack.query(
                    "SELECT detail FROM crmbridge.role_heartbeats WHERE workflow = 'crm-to-campaign' AND role = 'reader'")
                return rows.compactMap { $0["detail"] }.contains { $0.contains("waitingForWriters") }
            }
            let admin = try KafkaAdmin(configuration: stack.kafkaConfiguration(), logger: TestKafka.logger)
            let published = try await admin.lag(group: Topics.writerGroup(.crmToCampaign), topics: [entity.topic]).total
            // One page may pass on a lag read just under the bound; never more.
            #expect(published >= Self.maxBacklog)
            #expect(published < Self.maxBacklog + Self.pageSize)
            #expect(try await stack.option(stack.lastImportName(entity.name)) == nil, "the full load cannot have finished")

            try roles.addWriter()
            try await roles.waitForRows(entity, Self.contacts)
            try await roles.waitUntil("the full load's LASTIMPORT") {
                try await stack.option(stack.lastImportName(entity.name)) != nil
            }
            let comparison = try await CampaignComparison.compare(stack, entity)
            #expect(comparison.isEqual, "\(comparison.problems)")
        }
    }
}
