import CRMEmulatorCore
import Foundation
import Testing
import TestSupport

/// Seeded rows are generated on read and changes kept as an overlay: reads must merge the
/// two exactly as if every row were stored — in every order, window, page size, count,
/// read by ids and change-tracking answer.
@Suite struct DynamicsSeedOverlayTests {
    /// Every contact, read in id order (the default order) through small pages.
    private func allContacts(_ client: DynamicsTestClient) async throws -> [[String: Any]] {
        try await client.readAll("contacts", query: [("$select", "lastname,createdon,modifiedon,emailaddress1")], pageSize: 97).rows
    }

    private func ids(_ rows: [[String: Any]]) -> [String] { rows.compactMap { $0["contactid"] as? String } }

    /// The order the emulator must serve: keys as ISO strings (which sort as instants),
    /// ties by id (lowercase hex, which sorts as the GUID bytes the emulator compares).
    private func sorted(_ rows: [[String: Any]], by field: String, descending: Bool) -> [String] {
        rows.sorted { a, b in
            let x = a[field] as? String ?? "", y = b[field] as? String ?? ""
            if x != y { return descending ? x > y : x < y }
            return (a["contactid"] as? String ?? "") < (b["contactid"] as? String ?? "")
        }.compactMap { $0["contactid"] as? String }
    }

    /// Rewrites, creates, deletes and admin mutations leave a table whose every ordered,
    /// filtered and counted read agrees with the rows read one by one.
    @Test func readsMergeSeededRowsWithWritesInEveryOrderWindowAndCount() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 400)
        defer { emulator.stop() }
        let seeded = ids(try await allContacts(client))
        #expect(seeded.count == 400)
        #expect(seeded == seeded.sorted(), "the default order is the id order")
        #expect(try await client.api("PATCH", "contacts(\(seeded[3]))", json: #"{"lastname":"Rewritten"}"#).status == 204)
        #expect(try await client.api("DELETE", "contacts(\(seeded[10]))").status == 204)
        #expect(try await client.api("DELETE", "contacts(\(seeded[11]))").status == 204)
        for name in ["Created A", "Created B"] {
            #expect(try await client.api("POST", "contacts", json: #"{"lastname":"\#(name)"}"#).status == 204)
        }
        let mutated = try await client.admin("POST", "mutate?entity=contacts&change=0.1&delete=0.05")
        #expect(mutated.status == 200)
        let changed = try #require(mutated.json["changed"] as? Int)
        let deleted = try #require(mutated.json["deleted"] as? Int)
        #expect(changed > 10 && deleted > 5)
        #expect(mutated.json["count"] as? Int == 400 - 2 + 2 - deleted)

        let rows = try await allContacts(client)
        #expect(rows.count == 400 - deleted)
        #expect(Set(ids(rows)).count == rows.count)
        #expect(!ids(rows).contains(seeded[10]))
        let counts = try await client.admin("GET", "counts")
        #expect(counts.json["contacts"] as? Int == rows.count)
        let afterSeeding = rows.filter { ($0["modifiedon"] as? String ?? "") > "2025-06-30T00:00:00Z" }
        #expect(afterSeeding.count == changed + 3, "mutated rows, the rewritten one and the two created ones are modified now")

        for (field, descending) in [("modifiedon", false), ("createdon", true), ("modifiedon", true)] {
            let order = "\(field)\(descending ? " desc" : ""),contactid"
            let read = try await client.readAll("contacts", query: [("$select", "lastname"), ("$orderby", order)], pageSize: 13)
            #expect(ids(read.rows) == sorted(rows, by: field, descending: descending), "\(order)")
        }
        let lastNames = try await client.readAll("contacts", query: [("$select", "lastname"), ("$orderby", "lastname desc")], pageSize: 50)
        #expect(lastNames.rows.count == rows.count)

        // A window of the reader's kind: a half-open range of modifiedon, counted too.
        let middle = sorted(rows, by: "modifiedon", descending: false)
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0["contactid"] as? String ?? "", $0) })
        let start = try #require(byID[middle[100]]?["modifiedon"] as? String)
        let end = try #require(byID[middle[300]]?["modifiedon"] as? String)
        let expected = middle.filter { id in
            let modified = byID[id]?["modifiedon"] as? String ?? ""
            return modified >= start && modified < end
        }
        let window = try await client.readAll("contacts", query: [
            ("$select", "lastname"), ("$filter", "modifiedon ge \(start) and modifiedon lt \(end)"),
            ("$orderby", "modifiedon,contactid"), ("$count", "true"),
        ], pageSize: 17)
        #expect(ids(window.rows) == expected)
        let counted = try await client.api("GET", "contacts", query: [
            ("$select", "lastname"), ("$filter", "modifiedon ge \(start) and modifiedon lt \(end)"), ("$count", "true"),
        ], headers: ["Prefer": "odata.maxpagesize=5"])
        #expect(counted.json["@odata.count"] as? Int == expected.count)
        #expect(counted.rows.count == 5)
    }

    /// The connector's read by ids finds seeded, rewritten and created rows, and not deleted ones.
    @Test func readByIDsFindsEveryLiveRowAndNoDeletedOne() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 50)
        defer { emulator.stop() }
        let seeded = ids(try await allContacts(client))
        #expect(try await client.api("PATCH", "contacts(\(seeded[1]))", json: #"{"firstname":"Changed"}"#).status == 204)
        #expect(try await client.api("DELETE", "contacts(\(seeded[2]))").status == 204)
        let wanted = [seeded[0], seeded[1], seeded[2], seeded[40], "00000000-0000-4000-8000-000000000001"]
        let filter = wanted.map { "contactid eq \($0)" }.joined(separator: " or ")
        let answer = try await client.api("GET", "contacts", query: [("$select", "firstname"), ("$filter", filter), ("$orderby", "contactid")])
        #expect(answer.status == 200)
        #expect(ids(answer.rows) == [seeded[0], seeded[1], seeded[40]])
        #expect(answer.rows[1]["firstname"] as? String == "Changed")
    }

    /// Change tracking after a mutation reports every changed row and every deleted one,
    /// and a seeded alternate key is found and kept unique.
    @Test func changeTrackingReportsMutationsAndSeededAlternateKeysStayUnique() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 300)
        defer { emulator.stop() }
        let initial = try await client.readAll("contacts", query: [("$select", "contactid")], pageSize: 64, extraHeaders: ["Prefer": "odata.track-changes"])
        #expect(initial.rows.count == 300)
        let deltaLink = try #require(initial.last.json["@odata.deltaLink"] as? String)
        let mutated = try await client.admin("POST", "mutate?entity=contacts&change=0.2&delete=0.1")
        let changed = try #require(mutated.json["changed"] as? Int)
        let deleted = try #require(mutated.json["deleted"] as? Int)
        var rows: [[String: Any]] = []
        var answer = try await client.call("GET", url: deltaLink, headers: ["Prefer": "odata.maxpagesize=25"])
        rows += answer.rows
        while let next = answer.json["@odata.nextLink"] as? String {
            answer = try await client.call("GET", url: next, headers: ["Prefer": "odata.maxpagesize=25"])
            rows += answer.rows
        }
        #expect(rows.filter { $0["reason"] == nil }.count == changed)
        #expect(rows.filter { $0["reason"] as? String == "deleted" }.count == deleted)
        #expect(answer.json["@odata.deltaLink"] != nil)

        let account = try await client.api("GET", "accounts(crmb_externalid='crmb_externalid%207')", query: [("$select", "name")])
        #expect(account.status == 200)
        #expect((account.json["name"] as? String)?.hasSuffix("#7") == true)
        let duplicate = try await client.api("POST", "accounts", json: #"{"name":"Dup","crmb_externalid":"CRMB_EXTERNALID 7"}"#)
        #expect(duplicate.status == 412)
    }

    /// Shares outside [0, 1] or summing past 1 are refused; seeding past the cap too.
    @Test func mutateAndSeedRefuseImpossibleArguments() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 5)
        defer { emulator.stop() }
        for query in ["change=1.5", "delete=-0.1", "change=0.6&delete=0.6", "change=abc"] {
            let answer = try await client.admin("POST", "mutate?entity=contacts&\(query)")
            #expect(answer.status == 400, "\(query)")
        }
        #expect(try await client.admin("POST", "mutate?entity=nothing&change=0.1").status == 404)
        #expect(try await client.admin("POST", "seed?entity=contacts&count=50000001").status == 400)
    }

    /// Millions of seeded rows are answered from the formula: one call seeds them and
    /// pages in the reader's order come back sorted.
    @Test func millionsOfSeededContactsArePagedInTheReadersOrder() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 0)
        defer { emulator.stop() }
        let seeded = try await client.admin("POST", "seed?entity=contacts&count=1000000")
        #expect(seeded.json["count"] as? Int == 1_000_000)
        let query = [("$select", "modifiedon"), ("$orderby", "modifiedon,contactid"), ("$filter", "modifiedon ge 2025-01-01T00:00:00Z")]
        var answer = try await client.api("GET", "contacts", query: query, headers: ["Prefer": "odata.maxpagesize=5000"])
        var previous = ""
        for _ in 0..<3 {
            #expect(answer.status == 200)
            #expect(answer.rows.count == 5000)
            for row in answer.rows {
                let modified = row["modifiedon"] as? String ?? ""
                #expect(modified >= "2025-01-01T00:00:00Z" && modified >= previous)
                previous = modified
            }
            let next = try #require(answer.json["@odata.nextLink"] as? String)
            answer = try await client.call("GET", url: next, headers: ["Prefer": "odata.maxpagesize=5000"])
        }
    }
}
