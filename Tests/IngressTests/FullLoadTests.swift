import Config
import Foundation
import TestSupport
import Testing

extension IngressEndToEnd {
    /// A first run loads every record of every mapped entity: the CRM's API → reader
    /// process → Kafka → writer process → Campaign, every part real.
    @Suite struct FullLoadTests {
        @Test(arguments: [CRMKind.dynamics, .salesforce])
        func fullLoadOfContactsAndMembershipsLandsFieldForField(crm: CRMKind) async throws {
            let entities = [TestEntity.contact(crm), .membership(crm)]
            let stack = try await TestStack.start(crm: crm, workflowsYAML: TestEntity.workflow(entities))
            try await stack.seed(entities[0].remoteObject, count: 50_000)
            try await stack.seed(entities[1].remoteObject, count: 5_000)
            let expected = [
                try await CampaignComparison.crmRecords(stack, entities[0]),
                try await CampaignComparison.crmRecords(stack, entities[1]),
            ]
            #expect(expected[0].count >= 49_000)

            let started = ContinuousClock.now
            let roles = try await IngressRoles.start(stack)
            defer { roles.stop() }
            for (entity, records) in zip(entities, expected) {
                try await roles.waitForRows(entity, records.count, timeout: .seconds(180))
            }
            let elapsed = ContinuousClock.now - started
            print("full load of \(expected[0].count + expected[1].count) records (\(crm)) took \(elapsed)")

            for (entity, records) in zip(entities, expected) {
                let comparison = try await CampaignComparison.compare(stack, entity, crm: records)
                #expect(comparison.isEqual, "\(entity.name): \(comparison.problemCount) differences, e.g. \(comparison.problems)")
                let option = try await stack.option(stack.lastImportName(entity.name))
                #expect(option.map { (try? LastImportOption.parse($0).get()) != nil } == true, "LASTIMPORT of \(entity.name): \(option ?? "absent")")
            }
        }
    }
}
