import Config
import Foundation
import PostgresBridge
import TestSupport
import Testing

extension IngressEndToEnd {
    /// No record is missed at a window boundary: the look-back re-reads the end of the
    /// previous window, and re-reading is harmless (equal versions change nothing).
    @Suite struct WindowBoundaryTests {
        static func contacts(_ crm: CRMKind) -> TestEntity {
            TestEntity.contact(crm).with { $0.lookBack = "15s"; $0.deletes = false }
        }

        /// Starts a stack with a few contacts and waits for the full load and a first window.
        static func running(_ crm: CRMKind) async throws -> (TestStack, IngressRoles) {
            let stack = try await TestStack.start(crm: crm, workflowsYAML: TestEntity.workflow([contacts(crm)]))
            try await stack.seed(contacts(crm).remoteObject, count: 20)
            let roles = try await IngressRoles.start(stack)
            try await roles.waitForWindow(contacts(crm), after: Date().addingTimeInterval(-1))
            return (stack, roles)
        }

        @Test(arguments: [CRMKind.dynamics, .salesforce])
        func recordsSharingOneTimestampAcrossAWindowBoundaryAreAllImported(crm: CRMKind) async throws {
            let (stack, roles) = try await Self.running(crm)
            defer { roles.stop() }
            let entity = Self.contacts(crm)
            let stamp = Date().addingTimeInterval(-2).timeIntervalSince1970.rounded(.down)
            let shared = TestRecords.iso(Date(timeIntervalSince1970: stamp))
            var first: [String] = []
            for index in 1...2 {
                first.append(try await stack.lateRecord(entity.remoteObject, TestRecords.contact(
                    crm, first: "Before", last: "Boundary \(index)", email: nil), modifiedAt: shared))
            }
            try await roles.waitUntil("the first records at \(shared)") { try await stack.rowCount(entity, ids: first) == 2 }
            // A window ending after the shared timestamp is complete…
            try await roles.waitForWindow(entity, after: Date(timeIntervalSince1970: stamp))
            // …and more records with that very timestamp become visible only now.
            var second: [String] = []
            for index in 1...3 {
                second.append(try await stack.lateRecord(entity.remoteObject, TestRecords.contact(
                    crm, first: "After", last: "Boundary \(index)", email: nil), modifiedAt: shared))
            }
            try await roles.waitUntil("the later records at \(shared)") { try await stack.rowCount(entity, ids: second) == 3 }
            let rows = try await stack.query(
                "SELECT count(*) AS n, count(DISTINCT crm_modified_at) AS stamps FROM profiles WHERE crm_id = ANY($1::text[])",
                [PostgresArrayLiteral.text(first + second)])
            #expect(rows[0, "n"] == "5")
            #expect(rows[0, "stamps"] == "1")
        }

        @Test(arguments: [CRMKind.dynamics, .salesforce])
        func aRecordVisibleLateWithAnOlderTimestampIsImportedThanksToTheLookBack(crm: CRMKind) async throws {
            let (stack, roles) = try await Self.running(crm)
            defer { roles.stop() }
            let entity = Self.contacts(crm)
            // A window has already covered this instant when the record commits.
            let past = Date().addingTimeInterval(-8)
            try await roles.waitForWindow(entity, after: past)
            let late = try await stack.lateRecord(entity.remoteObject, TestRecords.contact(
                crm, first: "Late", last: "Commit", email: "late@example.com"), modifiedAt: TestRecords.iso(past))
            try await roles.waitUntil("the late record") { try await stack.rowCount(entity, ids: [late]) == 1 }
            let option = try #require(try await stack.option(stack.lastImportName(entity.name)))
            let end = try LastImportOption.parse(option).get()
            #expect(end > past, "the option \(option) had passed the record's time when it was imported")
            let comparison = try await CampaignComparison.compare(stack, entity)
            #expect(comparison.isEqual, "\(comparison.problems)")
        }
    }
}
