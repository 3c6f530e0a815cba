import Config
import Foundation
import TestSupport
import Testing

extension IngressEndToEnd {
    /// Conversions (SPEC §2.1) on real values, end to end, on the custom entity's
    /// date-only and date-time fields: written with UTC offsets on DST-change days, read
    /// back by the CRM in UTC, landing in `timestamptz`, `timestamp`, `date` and `text`
    /// columns of a Campaign database whose default time zone is not UTC.
    @Suite struct IngressConversionTests {
        static let table = """
            CREATE TABLE membership_conversions (
                crm_id text PRIMARY KEY, crm_modified_at timestamptz,
                start_day date, start_raw text,
                modified_utc timestamptz, modified_wall timestamp, modified_day date, modified_raw text,
                created_utc timestamptz);
            DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET TimeZone = %L', current_database(), 'Europe/Paris'); END $$;
            """

        struct Case: Sendable {
            /// As written to the CRM, with an offset.
            var modifiedAt: String
            var startDate: String
            /// The same instant in UTC.
            var utc: String
            /// That instant on a Paris wall clock (CET/CEST).
            var paris: String
        }

        static let cases = [
            // Paris springs forward at 01:00Z: 03:30 CEST.
            Case(modifiedAt: "2024-03-31T03:30:00+02:00", startDate: "2024-03-31", utc: "2024-03-31 01:30:00", paris: "2024-03-31 03:30:00"),
            // Paris falls back at 01:00Z: 02:30 happens twice; this is the first (CEST).
            Case(modifiedAt: "2024-10-27T02:30:00+02:00", startDate: "2024-10-27", utc: "2024-10-27 00:30:00", paris: "2024-10-27 02:30:00"),
            // A negative offset that moves the UTC day, on a leap day.
            Case(modifiedAt: "2024-02-28T22:15:00-03:00", startDate: "2024-02-29", utc: "2024-02-29 01:15:00", paris: "2024-02-29 02:15:00"),
        ]

        static func entity(_ crm: CRMKind) -> TestEntity {
            let (start, modified, created) = crm == .dynamics
                ? ("crmb_startdate", "modifiedon", "createdon") : ("CRMB_Start_Date__c", "SystemModstamp", "CreatedDate")
            return TestEntity(
                name: "membership", remoteObject: crm == .dynamics ? "crmb_memberships" : "CRMB_Membership__c",
                remoteId: crm == .dynamics ? "crmb_membershipid" : "Id", modifiedField: modified, table: "membership_conversions",
                fields: [
                    .init(remote: start, column: "start_day", conversion: "dateOnly"),
                    .init(remote: start, column: "start_raw", conversion: "copy"),
                    .init(remote: modified, column: "modified_utc"),
                    .init(remote: modified, column: "modified_wall", conversion: "withoutTimeOffset"),
                    .init(remote: modified, column: "modified_day", conversion: "dateOnly"),
                    .init(remote: modified, column: "modified_raw", conversion: "copy"),
                    .init(remote: created, column: "created_utc"),
                ], deletes: false)
        }

        @Test(arguments: [CRMKind.dynamics, .salesforce])
        func dateOnlyAndDateTimeFieldsConvertAcrossOffsetsAndDSTChanges(crm: CRMKind) async throws {
            let entity = Self.entity(crm)
            let stack = try await TestStack.start(crm: crm, workflowsYAML: TestEntity.workflow([entity]), prepare: Self.table)
            var ids: [String] = []
            for (index, item) in Self.cases.enumerated() {
                let fields = TestRecords.membership(crm, name: "Conversion \(index)", start: item.startDate)
                ids.append(try await stack.lateRecord(entity.remoteObject, fields, modifiedAt: item.modifiedAt))
            }
            let roles = try await IngressRoles.start(stack)
            defer { roles.stop() }
            try await roles.waitForRows(entity, Self.cases.count)

            for (id, item) in zip(ids, Self.cases) {
                let rows = try await stack.query("""
                    SELECT crm_modified_at::text AS version, start_day::text AS start_day, start_raw,
                           modified_utc::text AS utc, (modified_utc AT TIME ZONE 'Europe/Paris')::text AS paris,
                           modified_wall::text AS wall, modified_day::text AS day, modified_raw,
                           created_utc::text AS created, current_setting('TimeZone') AS zone
                    FROM membership_conversions WHERE crm_id = $1
                    """, [id])
                let row = try #require(rows.first)
                #expect(row["zone"] == "UTC", "the test's own session, like the writer's, is pinned to UTC")
                #expect(row["version"] == item.utc + "+00")
                #expect(row["start_day"] == item.startDate, "date-only stays the day written")
                #expect(row["start_raw"] == item.startDate)
                #expect(row["utc"] == item.utc + "+00", "default: the instant, normalised to UTC")
                #expect(row["paris"] == item.paris, "the same instant on a DST wall clock")
                #expect(row["wall"] == item.utc, "withoutTimeOffset: the CRM's wall clock (UTC), no shift")
                #expect(row["day"] == String(item.utc.prefix(10)), "dateOnly of a date-time: the date the CRM wrote")
                let raw = try #require(row["modified_raw"])
                #expect(TestJSON.instant(raw) == TestJSON.instant(item.modifiedAt), "copy keeps the CRM's text: \(raw)")
                #expect(raw.hasSuffix(crm == .dynamics ? "Z" : "+0000"), "copy: no conversion of \(raw)")
                // Salesforce stamps a late record's CreatedDate too; Dynamics creates it now.
                #expect(crm == .dynamics ? row["created"] != nil : row["created"] == item.utc + "+00")
            }
            // Written by a session in the database's own zone, an instant still reads the same.
            let paris = try await stack.withDatabase { database in
                try await database.executeScript("SET TimeZone = 'Europe/Paris'")
                return try await database.query("SELECT modified_utc::text AS t FROM membership_conversions WHERE crm_id = $1", [ids[0]])
            }
            #expect(paris[0, "t"] == Self.cases[0].paris + "+02")
        }
    }
}
