import CRMConnectors
import Campaign
import Config
import CoreValues
import Foundation
import HTTPBridge
import Logging
import PostgresBridge
@testable import OptOutService
import TestSupport
import Testing

/// The opt-in-out writer against the real emulator and database, in-process, with the
/// CRM moving under it between its read and its write (found by chaos runs).
@Suite struct ConcurrentCRMEditTests {
    /// A person edits a contact in the CRM after the writer read it to apply a Campaign
    /// change, before its write reaches the CRM (Campaign set a contact to false, a user
    /// set it to true in the CRM 12 s later, and both sides ended false). The user's edit
    /// is the newer, so it must survive: Dynamics writes only on the version read (the
    /// edit lands just before the `$batch`); Salesforce reads the records again just
    /// before its write (the edit lands right after the rule's read).
    @Test(arguments: [CRMKind.dynamics, .salesforce])
    func aCRMEditBetweenTheWritersReadAndWriteIsNotOverwritten(crm: CRMKind) async throws {
        let setup = try await Setup(crm)
        // A contact opted out in the CRM (seeded, modified before mid-2025).
        let id = try #require(setup.initial.keys.sorted().first { setup.initial[$0] == true })
        // Campaign opted the contact in 12 s ago: newer than the CRM's value as read.
        let change = OptOutChange(crmID: id, value: false, time: Date().addingTimeInterval(-12), origin: .init(topic: "test", partition: 0, offset: 0))
        let edit = OnceBefore {
            // The user opts the contact out again in the CRM: newer than Campaign's change.
            _ = try await setup.fixture.flipInCRM(id, to: true)
        }
        try await setup.stack.withDatabase { database in
            let applier = try await setup.applier(
                database: database, editBeforeWrite: crm == .dynamics ? edit : nil, editAfterFirstRead: crm == .salesforce ? edit : nil)
            let result = try await applier.apply([change])
            #expect(result.rejects.isEmpty, "a CRM edit in the gap is no reject: \(result.rejects.map(\.errorMessage))")
            #expect(result.written == 0, "the user's newer CRM value wins over the older Campaign change")

            #expect(await edit.runs == 1, "the user's edit landed between the writer's read and write")
            #expect(try await setup.fixture.crmFlags()[id] == true, "the user's CRM edit survives in the CRM")
            // Campaign must follow the CRM's winning value: the writer asks the CRM reader to
            // publish it again, and the ledger holds no sync write that would make it an echo.
            let ledger = OptOutEchoLedger(database: database)
            #expect(try await ledger.republishRequests().ids.contains(id), "the CRM reader is asked to carry the user's edit to Campaign")
            #expect(try await ledger.entries([id])[id] == nil, "no sync write of \(id) is recorded, so its CRM value is not taken for an echo")
        }
    }

    /// Dynamics applies the writer's conditional `$batch`, but its answer is cut: the
    /// exchange sends the call again, and the CRM refuses the re-send with 412 because of
    /// that very write (its row version moved). The write is the sync's own: it counts as
    /// written and is confirmed in the echo ledger with the time and row version the CRM
    /// shows, so the CRM reader skips it. Taken for a person's edit (the chaos run's
    /// CRM-faults scenario), the CRM reader would publish it as a CRM change made at the
    /// time of the write, seconds after the Campaign change it carried, and a newer
    /// Campaign flip made in between would lose to it.
    @Test func aWriteWhoseAnswerWasLostIsRecognisedAsTheSyncsOwnWhenItsResendIsRefused() async throws {
        let setup = try await Setup(.dynamics)
        let id = try #require(setup.initial.keys.sorted().first { setup.initial[$0] == true })
        let change = OptOutChange(crmID: id, value: false, time: Date().addingTimeInterval(-2), origin: .init(topic: "test", partition: 0, offset: 0))
        let cut = OnceBefore {
            // The next write answer the CRM gives (the `$batch`, after applying it) is cut in half.
            _ = try await setup.stack.admin("PUT", "/admin/faults", json: #"{"truncateNextWrites":1}"#)
        }
        try await setup.stack.withDatabase { database in
            let applier = try await setup.applier(database: database, editBeforeWrite: cut)
            let result = try await applier.apply([change])
            let faults = try await setup.stack.admin("GET", "/admin/faults")
            #expect(faults.contains("\"truncateNextWrites\":0"), "the write's answer was cut: \(faults)")
            #expect(result.rejects.isEmpty, "\(result.rejects.map(\.errorMessage))")
            #expect(result.written == 1, "the write the CRM applied is the sync's")
            #expect(try await setup.fixture.crmFlags()[id] == false, "the CRM holds Campaign's change")

            let record = try #require(try await setup.currentRecord(id))
            let entry = try #require(try await OptOutEchoLedger(database: database).entries([id])[id], "the write is in the echo ledger")
            #expect(entry.value == false && abs(entry.sourceTime.timeIntervalSince(change.time)) < 0.001, "the write carries Campaign's change and time")
            #expect(entry.crmModifiedAt != nil, "the write is confirmed with the CRM's time, not left an intent")
            #expect(entry.matches(value: false, modifiedAt: record.modifiedAt, stamp: setup.stamp.of(record)),
                    "the CRM's current state is the sync's write, so the CRM reader does not publish it")
            #expect(try await OptOutEchoLedger(database: database).republishRequests().ids.isEmpty, "nothing to carry to Campaign")
        }
    }

    /// A person saves the very value the sync just wrote, after the write and before the
    /// writer confirmed it (a window a throttled read-back stretches to seconds). Dynamics
    /// answers each write with the record as the write left it, so the ledger holds the
    /// write's own time and row version, and the person's save stays a CRM change of its
    /// own (with a read-back it was confirmed as the sync's, and a Campaign flip in the
    /// person's second would have won where the rule gives the tie to opt-out = true).
    @Test func aPersonsSameValueSaveRightAfterTheWriteIsNotTakenForTheSyncsWrite() async throws {
        let setup = try await Setup(.dynamics)
        let id = try #require(setup.initial.keys.sorted().first { setup.initial[$0] == true })
        let change = OptOutChange(crmID: id, value: false, time: Date().addingTimeInterval(-2), origin: .init(topic: "test", partition: 0, offset: 0))
        let save = OnceBefore { _ = try await setup.fixture.flipInCRM(id, to: false) }
        try await setup.stack.withDatabase { database in
            let applier = try await setup.applier(database: database, editAfterWrite: save)
            let result = try await applier.apply([change])
            #expect(await save.runs == 1)
            #expect(result.written == 1 && result.rejects.isEmpty)
            let record = try #require(try await setup.currentRecord(id))
            let entry = try #require(try await OptOutEchoLedger(database: database).entries([id])[id])
            #expect(entry.crmModifiedAt != nil, "the write is confirmed")
            #expect(!entry.matches(value: false, modifiedAt: record.modifiedAt, stamp: setup.stamp.of(record)),
                    "the person's save (another row version) is not the sync's write: the CRM reader publishes it")
        }
    }

    /// The same lost answer, but a person changes the contact to another value after the
    /// re-send was refused and before the writer looks at the record: what the CRM shows
    /// is then the person's edit, decided again by the rule (the person's is newer and
    /// wins), never confirmed as the sync's.
    @Test func aPersonsEditAfterAWriteWhoseAnswerWasLostStaysThePersons() async throws {
        let setup = try await Setup(.dynamics)
        let id = try #require(setup.initial.keys.sorted().first { setup.initial[$0] == true })
        let change = OptOutChange(crmID: id, value: false, time: Date().addingTimeInterval(-2), origin: .init(topic: "test", partition: 0, offset: 0))
        let cut = OnceBefore { _ = try await setup.stack.admin("PUT", "/admin/faults", json: #"{"truncateNextWrites":1}"#) }
        let edit = OnceBefore { _ = try await setup.fixture.flipInCRM(id, to: true) }
        try await setup.stack.withDatabase { database in
            let applier = try await setup.applier(database: database, editBeforeWrite: cut, editAfterWrite: edit)
            let result = try await applier.apply([change])
            #expect(result.rejects.isEmpty, "\(result.rejects.map(\.errorMessage))")
            #expect(await edit.runs == 1)
            #expect(result.written == 0, "the person's newer value wins over the older Campaign change")
            #expect(try await setup.fixture.crmFlags()[id] == true, "the person's newer CRM edit survives")
            let ledger = OptOutEchoLedger(database: database)
            let record = try #require(try await setup.currentRecord(id))
            let entry = try await ledger.entries([id])[id]
            #expect(entry?.matches(value: true, modifiedAt: record.modifiedAt, stamp: setup.stamp.of(record)) != true,
                    "the person's edit is not taken for the sync's write")
        }
    }

    /// A writer killed after recording its intent and before its write left an intent the
    /// CRM never received; restarted, it got that change and a later one back in one poll,
    /// and only the later one, equal to the CRM's value, was applied: nothing to write.
    /// The intent must not outlive that look at the record: trusted for minutes, it made a
    /// person's later CRM edit to the intended value pass for the sync's write, so the
    /// edit never reached Campaign (the kills chaos scenario, Salesforce).
    @Test(arguments: [CRMKind.dynamics, .salesforce])
    func anIntentWhoseWriteNeverLandedDoesNotHideALaterCRMEdit(crm: CRMKind) async throws {
        let setup = try await Setup(crm)
        let id = try #require(setup.initial.keys.sorted().first { setup.initial[$0] == true })
        try await setup.stack.withDatabase { database in
            let ledger = OptOutEchoLedger(database: database)
            let applier = try await setup.applier(database: database)
            try await ledger.intend([(id, false, Date().addingTimeInterval(-5))])
            let equal = OptOutChange(crmID: id, value: true, time: Date().addingTimeInterval(-1), origin: .init(topic: "test", partition: 0, offset: 1))
            let result = try await applier.apply([equal])
            #expect(result.written == 0 && result.rejects.isEmpty, "the CRM already shows Campaign's value")

            _ = try await setup.fixture.flipInCRM(id, to: false)
            let record = try #require(try await setup.currentRecord(id))
            let entry = try await ledger.entries([id])[id]
            #expect(entry?.matches(value: false, modifiedAt: record.modifiedAt, stamp: setup.stamp.of(record)) != true,
                    "the person's edit is not taken for the write that never landed")
        }
    }
}

/// A stack in bidirectional mode with 40 contacts, and the writer's parts.
private struct Setup {
    let stack: TestStack
    let fixture: OptOutFixture
    let initial: [String: Bool]
    let config: CRMBridgeConfig
    let stamp: CRMWriteStamp
    let query: CRMQuery
    let logger = Logger(label: "concurrent-crm-edit-test")

    init(_ crm: CRMKind) async throws {
        stack = try await OptOutRoles.stack(crm, mode: "bidirectional")
        fixture = OptOutFixture(stack: stack)
        initial = try await fixture.contacts(40)
        config = try stack.config()
        stamp = CRMWriteStamp(kind: crm)
        query = CRMQuery(
            remoteObject: fixture.object, fields: [fixture.field, stamp.field], pageSize: 1000,
            idField: fixture.idField, modifiedField: fixture.modifiedField)
    }

    /// The real applier, with test hooks: an action before the flag writer's first call
    /// goes out, after that call answered, or after the applier's first read.
    func applier(
        database: PostgresConnection, editBeforeWrite: OnceBefore? = nil, editAfterWrite: OnceBefore? = nil,
        editAfterFirstRead: OnceBefore? = nil
    ) async throws -> CRMApplier {
        try await OptOutBridgeTables.prepare(on: database)
        let crm = config.connections.crm
        return CRMApplier(
            connector: HookedConnector(connector: crm.makeSourceConnector(http: stack.http, logger: logger), afterFirstRead: editAfterFirstRead),
            writer: HookedFlagWriter(
                writer: crm.makeFlagWriter(object: fixture.object, field: fixture.field, http: stack.http, logger: logger, returning: query),
                before: editBeforeWrite, after: editAfterWrite),
            ledger: OptOutEchoLedger(database: database), stamp: stamp, query: query, field: fixture.field)
    }

    /// The contact as the CRM holds it now (flag, last-modified time, write stamp).
    func currentRecord(_ id: String) async throws -> CRMRecord? {
        let connector = config.connections.crm.makeSourceConnector(http: stack.http, logger: logger)
        for try await page in connector.records(ids: [id], query: query) {
            if let record = page.first { return record }
        }
        return nil
    }
}

/// An action run once, the first time it is asked for.
actor OnceBefore {
    private(set) var runs = 0
    private let action: @Sendable () async throws -> Void

    init(_ action: @escaping @Sendable () async throws -> Void) {
        self.action = action
    }

    func run() async throws {
        guard runs == 0 else { return }
        runs += 1
        try await action()
    }
}

/// The product's flag writer, with `before` run just before its first call goes out
/// (after the applier read the records and applied the rule) and `after` once it answered.
struct HookedFlagWriter: CRMFlagWriter {
    let writer: any CRMFlagWriter
    var before: OnceBefore?
    var after: OnceBefore?

    var system: String { writer.system }
    var maxBatch: Int { writer.maxBatch }

    func update(_ updates: [CRMFlagUpdate]) async throws -> [CRMFlagResult] {
        try await before?.run()
        let outcomes = try await writer.update(updates)
        try await after?.run()
        return outcomes
    }
}

/// The product's source connector, with `afterFirstRead` run once the first
/// `records(ids:)` read has answered in full.
struct HookedConnector: CRMSourceConnector {
    let connector: any CRMSourceConnector
    var afterFirstRead: OnceBefore?

    var system: String { connector.system }
    var defaultModifiedField: String { connector.defaultModifiedField }

    func pages(_ query: CRMQuery, modifiedIn window: ModifiedWindow?) -> CRMPages {
        connector.pages(query, modifiedIn: window)
    }

    func records(ids: [String], query: CRMQuery) -> CRMPages {
        let inner = connector.records(ids: ids, query: query)
        let hook = afterFirstRead
        return CRMPages { continuation in
            let task = Task {
                do {
                    for try await page in inner { continuation.yield(page) }
                    try await hook?.run()
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    func deletedRecords(_ query: CRMQuery, since checkpoint: DeletionCheckpoint?, until end: Date) async throws -> CRMDeletions {
        try await connector.deletedRecords(query, since: checkpoint, until: end)
    }
}
