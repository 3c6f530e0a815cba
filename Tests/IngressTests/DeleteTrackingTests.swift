import CoreValues
import Foundation
import KafkaBridge
import PostgresBridge
import TestSupport
import Testing
import WorkflowRuntime

extension IngressEndToEnd {
    /// Deletes that the per-window reads cannot see still reach Campaign: Salesforce
    /// `getDeleted` catches what `queryAll` no longer shows, and when tracking is lost
    /// (a Dynamics delta token beyond the retention) a full resync removes what is gone.
    @Suite struct DeleteTrackingTests {
        @Test func anExpiredChangeTrackingTokenFallsBackToAResyncThatRemovesTheRowsDeletedMeanwhile() async throws {
            let contacts = TestEntity.contact(.dynamics)
            let stack = try await TestStack.start(crm: .dynamics, workflowsYAML: TestEntity.workflow([contacts]))
            try await stack.seed("contacts", count: 200)
            let roles = try await IngressRoles.start(stack)
            defer { roles.stop() }
            try await roles.waitForRows(contacts, 200)
            try await stack.stopWorkflow(.crmToCampaign)
            try await stack.waitForRole(.crmToCampaign, "reader", .idle)

            let gone = try await stack.query("SELECT crm_id FROM profiles ORDER BY crm_id LIMIT 3").compactMap { $0["crm_id"] }
            for id in gone { try await stack.crmAPI.delete("contacts", id: id) }
            // The organisation forgets changes at once: the reader's delta token is expired.
            let retention = try await stack.admin("GET", "/admin/dynamics/change-tracking")
            try await stack.admin("PUT", "/admin/dynamics/change-tracking", json: #"{"retentionSeconds": 0}"#)
            try await stack.startWorkflow(.crmToCampaign)
            try await roles.waitUntil("the reader to notice the expired token") {
                roles.readers.contains { $0.log.contains("delete tracking expired in the CRM") }
            }
            try await stack.admin("PUT", "/admin/dynamics/change-tracking", json: retention)

            try await roles.waitForRows(contacts, 197)
            #expect(try await stack.rowCount(contacts, ids: gone) == 0)
            #expect(try await stack.count(
                "SELECT count(*) FROM crmbridge.tombstones WHERE crm_id = ANY($1::text[])", [PostgresArrayLiteral.text(gone)]) == 3)
            let comparison = try await CampaignComparison.compare(stack, contacts)
            #expect(comparison.isEqual, "\(comparison.problems)")
        }

        @Test func salesforceGetDeletedBringsDeletesTheWindowsNoLongerSee() async throws {
            let contacts = TestEntity.contact(.salesforce)
            let stack = try await TestStack.start(crm: .salesforce, workflowsYAML: TestEntity.workflow([contacts]))
            try await stack.seed("Contact", count: 50)
            let roles = try await IngressRoles.start(stack)
            defer { roles.stop() }
            // Deleted three minutes ago, committed only now: older than any window's
            // look-back, so only getDeleted (by deletion date) can report it.
            let late = try await LateSalesforceDelete.stage(stack, roles, contacts)
            try await stack.startWorkflow(.crmToCampaign)
            try await roles.waitUntil("the late delete in Campaign") { try await stack.rowCount(contacts, ids: [late.victim]) == 0 }
            let checkpoint = try await late.checkpoint(stack)
            #expect(checkpoint.map { $0 > late.since } == true, "the checkpoint moved on: \(checkpoint ?? "none")")
            #expect(try await stack.count("SELECT count(*) FROM profiles") == late.live.count - 1)
        }

        /// A full load reconciles only once the writers applied what was published before it
        /// ended: an upsert still in their backlog, of a record the CRM no longer has, is
        /// written first and then deleted, rather than written after the walk and kept.
        /// With no writer the reader waits, shows it, and publishes no delete.
        @Test func aFullLoadReconcilesOnlyOnceTheWritersAppliedTheBacklogBeforeIt() async throws {
            let contacts = TestEntity.contact(.dynamics)
            let stack = try await TestStack.start(crm: .dynamics, workflowsYAML: TestEntity.workflow([contacts]))
            try await stack.seed("contacts", count: 30)
            let stale = Envelope(op: .upsert, system: .dynamics, entity: contacts.name, id: "deleted-since",
                                 modifiedAt: Date().addingTimeInterval(-86_400), fields: ["lastname": .string("Deleted since")])
            try await stack.produce(contacts.topic, [(key: stale.id, value: stale.encoded())])

            let roles = try await IngressRoles.start(stack, writers: 0)
            defer { roles.stop() }
            try await roles.waitUntil("the reader waiting for the writers before reconciling") {
                let rows = try await stack.query(
                    "SELECT detail FROM crmbridge.role_heartbeats WHERE workflow = 'crm-to-campaign' AND role = 'reader'")
                return rows.compactMap { $0["detail"] }.contains { $0.contains("before the full load's deletes are reconciled") }
            }
            #expect(try await stack.option(stack.lastImportName(contacts.name)) == nil, "the load is not done before its deletes")
            #expect(try await stack.count("SELECT count(*) FROM crmbridge.full_loads") == 1, "its ledger is kept")

            try roles.addWriter()
            try await roles.waitUntil("the full load's LASTIMPORT") {
                try await stack.option(stack.lastImportName(contacts.name)) != nil
            }
            try await roles.waitUntil("the writers to drain the topic") { try await roles.writerLag([contacts]) == 0 }
            #expect(try await stack.rowCount(contacts, ids: [stale.id]) == 0, "the record the CRM lacks is deleted")
            #expect(try await stack.count("SELECT count(*) FROM crmbridge.tombstones WHERE crm_id = $1", [stale.id]) == 1)
            let comparison = try await CampaignComparison.compare(stack, contacts)
            #expect(comparison.isEqual, "\(comparison.problems)")
        }

        /// The reconciliation's deletes reach the writers one send at a time: each send is
        /// published only once the writers have applied the one before it, so their
        /// prefetch never takes in the whole walk's deletes at once. The test stands in for
        /// the writers, moving their group's committed offsets to the end of the topic, and
        /// the reader publishes exactly one send, of at most `deletesPerSend`, per release.
        @Test func theReconciliationPublishesEachSendOfDeletesOnlyOnceTheWritersAppliedTheOneBefore() async throws {
            var contacts = TestEntity.contact(.dynamics)
            contacts.pageSize = 100  // five pages to a send: 500 records, so 500 deletes at most
            let gone = 1_300
            let stack = try await TestStack.start(crm: .dynamics, workflowsYAML: TestEntity.workflow([contacts]), prepare: """
                INSERT INTO profiles (crm_id, last_name, crm_modified_at)
                    SELECT gen_random_uuid()::text, 'gone from the CRM', now() - interval '1 day' FROM generate_series(1, \(gone));
                """)
            try await stack.seed("contacts", count: 200)
            let admin = try KafkaAdmin(configuration: stack.kafkaConfiguration(), logger: TestKafka.logger)
            func published() async throws -> Int64 {
                try await admin.watermarks(topic: contacts.topic).values.reduce(0) { $0 + $1.high }
            }
            func readerWaits(_ reason: String) async throws -> Bool {
                try await readerWaitsFor(reason) != nil
            }
            /// The records the reader says the writers have yet to apply before `reason`.
            func readerWaitsFor(_ reason: String) async throws -> Int64? {
                let rows = try await stack.query(
                    "SELECT detail FROM crmbridge.role_heartbeats WHERE workflow = 'crm-to-campaign' AND role = 'reader'")
                // "<N> records of <topic> to apply before <reason>"
                for detail in rows.compactMap({ $0["detail"] }) {
                    guard let reasonAt = detail.range(of: reason)?.lowerBound,
                        let end = detail[..<reasonAt].range(of: " records of ", options: .backwards)?.lowerBound
                    else { continue }
                    return Int64(String(detail[..<end].reversed().prefix(while: \.isNumber).reversed())) ?? -1
                }
                return nil
            }

            let roles = try await IngressRoles.start(stack, writers: 0)
            defer { roles.stop() }
            try await roles.waitUntil("the reader waiting for the writers before reconciling") {
                try await readerWaits("before the full load's deletes are reconciled")
            }
            var total = try await published()
            var sends: [Int64] = []
            while sends.reduce(0, +) < gone {
                try await admin.resetOffsets(group: Topics.writerGroup(.crmToCampaign), topic: contacts.topic, to: .latest)
                try await roles.waitUntil("send \(sends.count + 1) of deletes, then the reader waiting for it to be applied") {
                    // Whole once the reader waits for exactly what it published since the
                    // release: a partition's batch may land after the others, and the
                    // heartbeat may still show the wait before.
                    let now = try await published()
                    guard now > total else { return false }
                    return try await readerWaitsFor("before the full load's reconciliation goes on") == now - total
                }
                let now = try await published()
                sends.append(now - total)
                total = now
            }
            #expect(sends == [500, 500, 300], "one send per release, each of at most 500 deletes")

            try await admin.resetOffsets(group: Topics.writerGroup(.crmToCampaign), topic: contacts.topic, to: .latest)
            try await roles.waitUntil("the full load's LASTIMPORT") {
                try await stack.option(stack.lastImportName(contacts.name)) != nil
            }
            let deletes = try await stack.messages(contacts.topic)
                .compactMap { message in message.value.flatMap { try? Envelope.decode($0).get() } }
                .filter { $0.op == .delete }
            let goneIDs = try await stack.query("SELECT crm_id FROM profiles WHERE last_name = 'gone from the CRM'").compactMap { $0["crm_id"] }
            #expect(deletes.count == gone)
            #expect(Set(deletes.map(\.id)) == Set(goneIDs), "a delete for each row the CRM lacks, and only for those")
        }

        /// A first load over a table that already holds rows the CRM never had (or no longer
        /// has): those rows, and only those, are deleted. The CRM's records span several
        /// pages, and so does the table, so the ids the load saw never fit one page: the
        /// reader keeps them in Campaign's database, not in memory, and reads the unseen
        /// rows back in keyset pages.
        @Test func aFullLoadOverAnExistingTableDeletesExactlyTheRowsTheCRMLacksAcrossManyPages() async throws {
            let contacts = TestEntity.contact(.dynamics)
            let stack = try await TestStack.start(crm: .dynamics, workflowsYAML: TestEntity.workflow([contacts]), prepare: """
                INSERT INTO profiles (crm_id, last_name, crm_modified_at)
                    SELECT gen_random_uuid()::text, 'gone from the CRM', now() - interval '1 day' FROM generate_series(1, 25000);
                INSERT INTO profiles (last_name) SELECT 'Campaign only' FROM generate_series(1, 40);
                """)
            try await stack.seed("contacts", count: 12_000)
            let crm = try await CampaignComparison.crmRecords(stack, contacts)
            #expect(crm.count > 10_000, "more than two pages of 5,000")

            let roles = try await IngressRoles.start(stack)
            defer { roles.stop() }
            try await roles.waitUntil("the full load's LASTIMPORT", timeout: .seconds(180)) {
                try await stack.option(stack.lastImportName(contacts.name)) != nil
            }
            try await roles.waitUntil("the rows the CRM lacks to go", timeout: .seconds(120)) {
                try await stack.count("SELECT count(*) FROM profiles WHERE last_name = 'gone from the CRM'") == 0
            }
            try await roles.waitForRows(contacts, crm.count + 40, timeout: .seconds(120))
            let ids = try await stack.query("SELECT crm_id FROM profiles WHERE crm_id IS NOT NULL").compactMap { $0["crm_id"] }
            #expect(ids.count == crm.count)
            #expect(Set(ids) == Set(crm.keys), "every CRM record kept, nothing else")
            #expect(try await stack.count("SELECT count(*) FROM profiles WHERE crm_id IS NULL") == 40, "Campaign's own rows stay")
            #expect(try await stack.count("SELECT count(*) FROM crmbridge.tombstones") == 25_000, "one delete per missing row")
            #expect(
                try await stack.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'crmbridge' AND tablename LIKE 'load_seen%'") == 0,
                "the load's ledger is dropped")
            #expect(try await stack.count("SELECT count(*) FROM crmbridge.full_loads") == 0)
        }
    }
}
