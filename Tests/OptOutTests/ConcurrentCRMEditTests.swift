import CRMConnectors
import Campaign
import Config
import Foundation
import HTTPBridge
import Logging
@testable import OptOutService
import TestSupport
import Testing

/// A person edits a contact in the CRM after the opt-in-out writer read it to apply a
/// Campaign change, and before its write reaches the CRM (found by a chaos run: Campaign
/// set a contact to false, a user set it to true in the CRM 12 s later, and both sides
/// ended false). The user's edit is the newer, so it must survive: the writer's write is
/// conditional on the version it read, and it decides again on the record as it now is.
@Suite struct ConcurrentCRMEditTests {
    @Test func aCRMEditBetweenTheWritersReadAndWriteIsNotOverwritten() async throws {
        let stack = try await OptOutRoles.stack(.dynamics, mode: "bidirectional")
        let fixture = OptOutFixture(stack: stack)
        let initial = try await fixture.contacts(40)
        // A contact opted out in the CRM (seeded, modified before mid-2025).
        let id = try #require(initial.keys.sorted().first { initial[$0] == true })
        let config = try stack.config()
        let logger = Logger(label: "concurrent-crm-edit-test")
        let stamp = CRMWriteStamp(kind: .dynamics)
        let query = CRMQuery(
            remoteObject: fixture.object, fields: [fixture.field, stamp.field], pageSize: 1000,
            idField: fixture.idField, modifiedField: fixture.modifiedField)
        // Campaign opted the contact in 12 s ago: newer than the CRM's value as read.
        let campaignTime = Date().addingTimeInterval(-12)
        let change = OptOutChange(
            crmID: id, value: false, time: campaignTime, origin: .init(topic: "test", partition: 0, offset: 0))

        let editor = EditBeforeWrite {
            // The user opts the contact out again in the CRM: newer than Campaign's change.
            try await fixture.flipInCRM(id, to: true)
        }
        try await stack.withDatabase { database in
            try await OptOutBridgeTables.prepare(on: database)
            let applier = CRMApplier(
                connector: config.connections.crm.makeSourceConnector(http: stack.http, logger: logger),
                writer: EditingFlagWriter(
                    writer: config.connections.crm.makeFlagWriter(
                        object: fixture.object, field: fixture.field, http: stack.http, logger: logger),
                    editor: editor),
                ledger: OptOutEchoLedger(database: database), stamp: stamp, query: query, field: fixture.field)
            let result = try await applier.apply([change])
            #expect(result.rejects.isEmpty, "a CRM edit in the gap is no reject: \(result.rejects.map(\.errorMessage))")
            #expect(result.written == 0, "the user's newer CRM value wins over the older Campaign change")

            #expect(await editor.edits == 1, "the user's edit landed between the writer's read and write")
            #expect(try await fixture.crmFlags()[id] == true, "the user's CRM edit survives in the CRM")
            // Campaign must follow the CRM's winning value: the writer asks the CRM reader to
            // publish it again, and the ledger holds no sync write that would make it an echo.
            let requests = try await OptOutEchoLedger(database: database).republishRequests()
            #expect(requests.ids.contains(id), "the CRM reader is asked to carry the user's edit to Campaign")
            let entries = try await OptOutEchoLedger(database: database).entries([id])
            #expect(entries[id] == nil, "no sync write of \(id) is recorded, so its CRM value is not taken for an echo")
        }
    }
}

/// The user's CRM edit, made once, the first time the writer is about to write.
actor EditBeforeWrite {
    private(set) var edits = 0
    private let edit: @Sendable () async throws -> Void

    init(_ edit: @escaping @Sendable () async throws -> Void) {
        self.edit = edit
    }

    func beforeWrite() async throws {
        guard edits == 0 else { return }
        edits += 1
        try await edit()
    }
}

/// The product's flag writer, with `editor`'s CRM edit landing just before its first
/// write is sent: after the applier read the records and applied the rule.
struct EditingFlagWriter: CRMFlagWriter {
    let writer: any CRMFlagWriter
    let editor: EditBeforeWrite

    var system: String { writer.system }
    var maxBatch: Int { writer.maxBatch }

    func update(_ updates: [CRMFlagUpdate]) async throws -> [CRMWriteOutcome] {
        try await editor.beforeWrite()
        return try await writer.update(updates)
    }
}
