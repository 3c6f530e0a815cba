import CRMEmulatorCore
import Foundation
import Testing
import TestSupport

@Suite struct DynamicsQueryTests {
    @Test func pagingWithMaxPageSizeVisitsEveryRecordExactlyOnceAndStops() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 1234)
        defer { emulator.stop() }
        let first = try await client.api("GET", "contacts", query: [("$select", "lastname")], headers: ["Prefer": "odata.maxpagesize=500"])
        #expect(first.status == 200)
        #expect(first.header("Preference-Applied") == "odata.maxpagesize=500")
        #expect(first.rows.count == 500)

        let result = try await client.readAll("contacts", query: [("$select", "lastname,modifiedon")], pageSize: 500)
        let ids = result.rows.compactMap { $0["contactid"] as? String }
        #expect(result.pages == 3)
        #expect(ids.count == 1234)
        #expect(Set(ids).count == 1234)
        #expect(result.last.json["@odata.nextLink"] == nil)
    }

    @Test func pagingByModifiedOnStaysStableWhileRecordsAreAdded() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 600)
        defer { emulator.stop() }
        let headers = ["Prefer": "odata.maxpagesize=100"]
        var answer = try await client.api("GET", "contacts", query: [("$select", "modifiedon"), ("$orderby", "modifiedon asc")], headers: headers)
        var ids = answer.rows.compactMap { $0["contactid"] as? String }
        var modified = answer.rows.compactMap { $0["modifiedon"] as? String }
        var inserted = 0
        while let next = answer.json["@odata.nextLink"] as? String {
            // A new row (modified now) lands at the end; existing rows must neither repeat nor vanish.
            let created = try await client.api("POST", "contacts", json: #"{"lastname":"Inserted \#(inserted)"}"#)
            #expect(created.status == 204)
            inserted += 1
            answer = try await client.call("GET", url: next, headers: headers)
            ids += answer.rows.compactMap { $0["contactid"] as? String }
            modified += answer.rows.compactMap { $0["modifiedon"] as? String }
        }
        #expect(Set(ids).count == ids.count)
        #expect(ids.count >= 600)
        #expect(modified == modified.sorted())
    }

    @Test func filterMatchesQuotedStringsWithDoubledQuotes() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 300)
        defer { emulator.stop() }
        _ = try await client.api("POST", "contacts", json: #"{"firstname":"Seán","lastname":"O'Bryan"}"#)
        let all = try await client.readAll("contacts", query: [("$select", "lastname")], pageSize: 5000)
        let expected = all.rows.filter { ($0["lastname"] as? String) == "O'Bryan" }.count
        let filtered = try await client.api("GET", "contacts", query: [("$select", "lastname,firstname"), ("$filter", "lastname eq 'O''Bryan'")])
        #expect(filtered.status == 200)
        #expect(expected >= 1)
        #expect(filtered.rows.count == expected)
        #expect(filtered.rows.allSatisfy { ($0["lastname"] as? String) == "O'Bryan" })

        let combined = try await client.api("GET", "contacts", query: [
            ("$select", "firstname,lastname"),
            ("$filter", "(lastname eq 'O''Bryan' and firstname eq 'Seán') or startswith(lastname,'D''Ang')"),
        ])
        let names = combined.rows.compactMap { $0["lastname"] as? String }
        #expect(names.contains("O'Bryan"))
        #expect(names.allSatisfy { $0 == "O'Bryan" || $0.hasPrefix("D'Ang") })
        #expect(combined.rows.filter { ($0["lastname"] as? String) == "O'Bryan" }.count == 1)
    }

    @Test func filterHandlesNullsDatesBooleansNumbersAndNot() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 400)
        defer { emulator.stop() }
        let all = try await client.readAll("contacts", query: [("$select", "emailaddress1,donotbulkemail,statecode,modifiedon,birthdate")], pageSize: 5000).rows
        let noEmail = try await client.api("GET", "contacts", query: [("$select", "emailaddress1"), ("$filter", "emailaddress1 eq null")])
        #expect(noEmail.rows.count == all.filter { $0["emailaddress1"] is NSNull }.count)
        #expect(noEmail.rows.count > 0)

        let optedOutActive = try await client.api("GET", "contacts", query: [
            ("$select", "donotbulkemail,statecode"), ("$filter", "donotbulkemail eq true and not (statecode eq 1)"),
        ])
        let expected = all.filter { ($0["donotbulkemail"] as? Bool) == true && ($0["statecode"] as? Int) != 1 }.count
        #expect(optedOutActive.rows.count == expected)

        let window = try await client.api("GET", "contacts", query: [
            ("$select", "modifiedon"), ("$filter", "modifiedon ge 2025-01-01T00:00:00Z and modifiedon lt 2025-04-01T00:00:00Z"),
        ])
        let inWindow = all.filter { ($0["modifiedon"] as? String).map { $0 >= "2025-01-01T00:00:00Z" && $0 < "2025-04-01T00:00:00Z" } ?? false }
        #expect(window.rows.count == inWindow.count)

        let born = try await client.api("GET", "contacts", query: [("$select", "birthdate"), ("$filter", "birthdate lt 1970-01-01")])
        #expect(born.rows.count == all.filter { ($0["birthdate"] as? String).map { $0 < "1970-01-01" } ?? false }.count)
    }

    @Test func orderBySeveralKeysSortsAscendingAndDescending() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 250)
        defer { emulator.stop() }
        let answer = try await client.api("GET", "contacts", query: [("$select", "statecode,modifiedon"), ("$orderby", "statecode desc,modifiedon asc")])
        let pairs = answer.rows.map { (($0["statecode"] as? Int) ?? -1, ($0["modifiedon"] as? String) ?? "") }
        #expect(pairs.count == 250)
        for (a, b) in zip(pairs, pairs.dropFirst()) {
            #expect(a.0 > b.0 || (a.0 == b.0 && a.1 <= b.1))
        }
    }

    @Test func selectReturnsOnlySelectedColumnsThePrimaryKeyAndTheEtag() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 20)
        defer { emulator.stop() }
        let answer = try await client.api("GET", "contacts", query: [("$select", "firstname,_parentcustomerid_value")])
        let context = answer.json["@odata.context"] as? String
        #expect(context == client.apiRoot + "$metadata#contacts(firstname,_parentcustomerid_value)")
        for row in answer.rows {
            #expect(Set(row.keys) == ["@odata.etag", "firstname", "_parentcustomerid_value", "contactid"])
            #expect((row["@odata.etag"] as? String)?.hasPrefix("W/\"") == true)
        }
    }

    @Test func filterComparesLookupsWithUnquotedGUIDs() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 200)
        defer { emulator.stop() }
        let all = try await client.readAll("contacts", query: [("$select", "_parentcustomerid_value")], pageSize: 5000).rows
        let parent = try #require(all.compactMap { $0["_parentcustomerid_value"] as? String }.first)
        let answer = try await client.api("GET", "contacts", query: [("$select", "_parentcustomerid_value"), ("$filter", "_parentcustomerid_value eq \(parent)")])
        #expect(answer.status == 200)
        #expect(answer.rows.count == all.filter { ($0["_parentcustomerid_value"] as? String) == parent }.count)
        let quoted = try await client.api("GET", "contacts", query: [("$filter", "_parentcustomerid_value eq '\(parent)'")])
        #expect(quoted.status == 400)
    }

    @Test func formattedValuesAppearWhenRequested() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 10)
        defer { emulator.stop() }
        let answer = try await client.api("GET", "contacts", query: [("$select", "statecode,donotbulkemail")], headers: [
            "Prefer": "odata.include-annotations=\"OData.Community.Display.V1.FormattedValue\"",
        ])
        #expect(answer.header("Preference-Applied")?.contains("OData.Community.Display.V1.FormattedValue") == true)
        for row in answer.rows {
            let state = row["statecode@OData.Community.Display.V1.FormattedValue"] as? String
            #expect(state == ((row["statecode"] as? Int) == 0 ? "Active" : "Inactive"))
            #expect(row["donotbulkemail@OData.Community.Display.V1.FormattedValue"] is String)
        }
    }

    @Test func unknownEntitySetFieldAndOptionGiveDocumentedErrors() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 5)
        defer { emulator.stop() }
        let set = try await client.api("GET", "contactz")
        #expect(set.status == 404)
        #expect(set.errorCode == "0x8006088a")
        let field = try await client.api("GET", "contacts", query: [("$select", "nosuchfield")])
        #expect(field.status == 400)
        #expect(field.errorCode == "0x80060888")
        let filter = try await client.api("GET", "contacts", query: [("$filter", "nosuchfield eq 1")])
        #expect(filter.status == 400)
        #expect(filter.errorCode == "0x80060888")
        let syntax = try await client.api("GET", "contacts", query: [("$filter", "lastname eq 'unterminated")])
        #expect(syntax.status == 400)
        let skip = try await client.api("GET", "contacts", query: [("$skip", "10")])
        #expect(skip.status == 400)
        #expect(skip.errorMessage?.contains("$skip") == true)
        let body = try await client.api("POST", "contacts", json: #"{"lastname":"x","nosuchfield":1}"#)
        #expect(body.status == 400)
        #expect(body.errorCode == "0x80060888")
    }
}
