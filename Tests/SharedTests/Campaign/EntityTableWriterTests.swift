import Campaign
import Config
import CoreValues
import Foundation
import PostgresBridge
import TestSupport
import Testing
import WorkflowRuntime

/// The crm-to-campaign writer's statements (`EntityTableWriter`) against a real PostgreSQL:
/// newer-wins, tombstones, insert-only columns, text that must survive exactly, values
/// PostgreSQL cannot hold, and a schema that does not match the configuration.
@Suite struct EntityTableWriterTests {
    static let contact = EntityConfig(
        name: "contact", remoteObject: "contacts", remoteIdField: "contactid", lastModifiedField: "modifiedon",
        table: "profiles",
        fields: [
            FieldMapping(remote: "firstname", column: "first_name", applyUpdates: false),
            FieldMapping(remote: "lastname", column: "last_name"),
            FieldMapping(remote: "emailaddress1", column: "email"),
        ],
        deletes: .init(enabled: true))

    /// A fresh database with the bridge's schema (tombstones) and the demo's `profiles`.
    private func database() async throws -> PostgresConnection {
        let url = try await TestPostgres.shared().freshDatabase()
        try await BridgeSchema.createIfMissing(databaseURL: Secret(url), logger: TestPostgres.logger)
        let connection = try await PostgresConnection.connect(url: Secret(url), logger: TestPostgres.logger)
        try await CampaignDemoSchema.create(on: connection)
        return connection
    }

    private func contact(_ id: String, at seconds: TimeInterval, first: String? = "First", last: String? = "Last",
                         email: String? = nil) -> Envelope {
        let text: (String?) -> FieldValue = { $0.map(FieldValue.string) ?? .null }
        return Envelope(op: .upsert, system: .dynamics, entity: "contact", id: id,
                        modifiedAt: Date(timeIntervalSince1970: seconds),
                        fields: ["firstname": text(first), "lastname": text(last), "emailaddress1": text(email)])
    }

    /// Upserts `envelopes` (none may be rejected); returns the rows applied.
    private func upsert(_ envelopes: [Envelope], _ writer: EntityTableWriter, _ database: PostgresConnection) async throws -> Int {
        let (rows, rejects) = writer.rows(for: envelopes)
        #expect(rejects.isEmpty, "\(rejects)")
        return try await writer.upsert(rows, in: database)
    }

    /// `first_name`, `last_name`, `email` and the version (epoch seconds as text) of `id`.
    private func row(_ id: String, _ database: PostgresConnection) async throws -> [String?]? {
        let rows = try await database.query(
            "SELECT first_name, last_name, email, extract(epoch FROM crm_modified_at)::bigint::text AS v FROM profiles WHERE crm_id = $1",
            [id])
        return rows.first.map { [$0["first_name"], $0["last_name"], $0["email"], $0["v"]] }
    }

    @Test func aStoredRowChangesOnlyForAStrictlyNewerVersion() async throws {
        let database = try await database()
        let writer = try await EntityTableWriter.resolve(Self.contact, database: database)
        #expect(try await upsert([contact("A", at: 100, last: "One")], writer, database) == 1)

        #expect(try await upsert([contact("A", at: 50, last: "Older")], writer, database) == 0)
        #expect(try await upsert([contact("A", at: 100, last: "Same time")], writer, database) == 0)
        #expect(try await row("A", database) == ["First", "One", nil, "100"])

        #expect(try await upsert([contact("A", at: 200, last: "Two", email: "a@example.com")], writer, database) == 1)
        #expect(try await row("A", database) == ["First", "Two", "a@example.com", "200"])
        await database.close()
    }

    @Test func aColumnWithoutUpdatesIsWrittenOnInsertOnly() async throws {
        let database = try await database()
        let writer = try await EntityTableWriter.resolve(Self.contact, database: database)
        _ = try await upsert([contact("K", at: 100, first: "Kept", last: "One")], writer, database)
        #expect(try await upsert([contact("K", at: 200, first: "Ignored", last: "Two")], writer, database) == 1)
        #expect(try await row("K", database)?.prefix(2) == ["Kept", "Two"])
        await database.close()
    }

    @Test func aDeleteRemovesOnlyRowsNotNewerAndItsTombstoneStopsOlderVersions() async throws {
        let database = try await database()
        let writer = try await EntityTableWriter.resolve(Self.contact, database: database)
        _ = try await upsert([contact("old", at: 100), contact("same", at: 200), contact("newer", at: 300)], writer, database)
        let at200 = Date(timeIntervalSince1970: 200)
        #expect(try await writer.delete([("old", at200), ("same", at200), ("newer", at200), ("never", at200)], in: database) == 4,
                "one tombstone per delete")
        let left = try await database.query("SELECT crm_id FROM profiles ORDER BY crm_id")
        #expect(left.map { $0["crm_id"] } == ["newer"])

        // A version older than (or as old as) the delete, replayed later, stays deleted.
        #expect(try await upsert([contact("old", at: 150), contact("same", at: 200), contact("never", at: 100)], writer, database) == 0)
        #expect(try await database.query("SELECT crm_id FROM profiles ORDER BY crm_id").map { $0["crm_id"] } == ["newer"])
        // A version newer than the delete brings the record back.
        #expect(try await upsert([contact("old", at: 250, last: "Back")], writer, database) == 1)
        #expect(try await row("old", database)?[1] == "Back")
        await database.close()
    }

    @Test func awkwardTextAndEveryRowOfALargeBatchSurviveExactly() async throws {
        let database = try await database()
        let writer = try await EntityTableWriter.resolve(Self.contact, database: database)
        let awkward: [String?] = ["", "NULL", nil, "a,b", "{x}", "\"q\"", "back\\slash", " space ", "tab\t", "new\nline",
                                  "it's", "Zoë 東京 🚀"]
        let envelopes = (0..<10_000).map { index in
            contact("C\(index)", at: 1_000 + Double(index % 500), first: awkward[index % awkward.count],
                    last: "Last \(index)", email: index % 7 == 0 ? nil : "c\(index)@example.com")
        }
        #expect(try await upsert(envelopes, writer, database) == 10_000)
        for index in [0, 1, 2, 5, 6, 8, 9, 11, 7_777, 9_999] {
            let expected = [awkward[index % awkward.count], "Last \(index)", index % 7 == 0 ? nil : "c\(index)@example.com",
                            String(1_000 + index % 500)]
            #expect(try await row("C\(index)", database) == expected, "row \(index)")
        }
        // The same batch again changes nothing; a newer one updates every row.
        #expect(try await upsert(envelopes, writer, database) == 0)
        let newer = envelopes.map { contact($0.id, at: 5_000, last: "Newer") }
        #expect(try await upsert(newer, writer, database) == 10_000)
        let updated = try await database.query("SELECT count(*) AS n FROM profiles WHERE last_name = 'Newer'")
        #expect(try updated.int(0, "n") == 10_000)
        await database.close()
    }

    @Test func aValueWithANulByteIsRejectedAndTheOthersAreWritten() async throws {
        let database = try await database()
        let writer = try await EntityTableWriter.resolve(Self.contact, database: database)
        let (rows, rejects) = writer.rows(for: [
            contact("good", at: 100), contact("bad", at: 100, last: "a\u{0}b"), contact("bad\u{0}id", at: 100),
        ])
        #expect(rejects.map(\.id) == ["bad", "bad\u{0}id"])
        #expect(rejects.allSatisfy { $0.message.contains("NUL") }, "\(rejects)")
        #expect(try await writer.upsert(rows, in: database) == 1)
        #expect(try await database.query("SELECT crm_id FROM profiles").map { $0["crm_id"] } == ["good"])
        await database.close()
    }

    @Test func aMissingTableOrColumnIsRefusedNamingIt() async throws {
        let database = try await database()
        var nickname = Self.contact
        nickname.fields.append(FieldMapping(remote: "nickname", column: "nickname"))
        let column = await #expect(throws: CampaignSchemaMismatch.self) {
            try await EntityTableWriter.resolve(nickname, database: database)
        }
        #expect(column?.description.contains("profiles.nickname") == true, "\(column?.description ?? "")")

        var elsewhere = Self.contact
        elsewhere.table = "contacts_archive"
        let table = await #expect(throws: CampaignSchemaMismatch.self) {
            try await EntityTableWriter.resolve(elsewhere, database: database)
        }
        #expect(table?.description.contains("contacts_archive") == true, "\(table?.description ?? "")")
        await database.close()
    }
}
