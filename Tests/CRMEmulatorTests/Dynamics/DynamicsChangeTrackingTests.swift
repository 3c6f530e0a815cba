import CRMEmulatorCore
import Foundation
import Testing
import TestSupport

@Suite struct DynamicsChangeTrackingTests {
    @Test func deltaLinkReturnsUpdatesCreatesAndDeletedEntityRows() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 150)
        defer { emulator.stop() }
        let initial = try await client.readAll("contacts", query: [("$select", "firstname,lastname")], pageSize: 100, extraHeaders: ["Prefer": "odata.track-changes"])
        #expect(initial.rows.count == 150)
        let deltaLink = try #require(initial.last.json["@odata.deltaLink"] as? String)
        // The options come back as the client wrote them (this client encodes the comma).
        #expect(deltaLink.hasPrefix(client.apiRoot + "contacts?$select=firstname%2Clastname&$deltatoken="))
        // version!MM/dd/yyyy HH:mm:ss, URL-encoded as documented (%21, %2f, %20, %3a).
        #expect(deltaLink.contains("%21") && deltaLink.contains("%2f") && deltaLink.contains("%3a"))

        let ids = initial.rows.compactMap { $0["contactid"] as? String }
        let updated = try await client.api("PATCH", "contacts(\(ids[0]))", json: #"{"firstname":"Changed"}"#)
        #expect(updated.status == 204)
        let deleted = try await client.api("DELETE", "contacts(\(ids[1]))")
        #expect(deleted.status == 204)
        let created = try await client.api("POST", "contacts", json: #"{"lastname":"New"}"#)
        let createdId = try #require(created.header("OData-EntityId")?.split(separator: "(").last?.dropLast())

        let delta = try await client.call("GET", url: deltaLink)
        #expect(delta.status == 200)
        #expect((delta.json["@odata.context"] as? String)?.hasSuffix("/$delta") == true)
        let rows = delta.rows
        #expect(rows.count == 3)
        let changed = rows.filter { $0["reason"] == nil }.compactMap { $0["contactid"] as? String }
        #expect(Set(changed) == [ids[0], String(createdId)])
        let gone = try #require(rows.first { $0["reason"] != nil })
        #expect(gone["id"] as? String == ids[1])
        #expect(gone["reason"] as? String == "deleted")
        #expect(gone["@odata.context"] as? String == client.apiRoot + "$metadata#contacts/$deletedEntity")
        #expect(Set(gone.keys) == ["@odata.context", "id", "reason"])

        let nextDelta = try #require(delta.json["@odata.deltaLink"] as? String)
        let quiet = try await client.call("GET", url: nextDelta)
        #expect(quiet.status == 200)
        #expect(quiet.rows.isEmpty)
    }

    @Test func trackChangesRefusesFilterOrderByAndTop() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 5)
        defer { emulator.stop() }
        for option in [("$filter", "statecode eq 0"), ("$orderby", "modifiedon"), ("$top", "2")] {
            let answer = try await client.api("GET", "contacts", query: [("$select", "lastname"), option], headers: ["Prefer": "odata.track-changes"])
            #expect(answer.status == 400)
            #expect(answer.errorCode == "0x80060888")
        }
    }

    @Test func expiredDeltaTokenAsksForAFullSync() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 5)
        defer { emulator.stop() }
        let initial = try await client.api("GET", "contacts", query: [("$select", "lastname")], headers: ["Prefer": "odata.track-changes"])
        let deltaLink = try #require(initial.json["@odata.deltaLink"] as? String)
        let retention = try await client.admin("PUT", "change-tracking", json: #"{"retentionSeconds":0}"#)
        #expect(retention.status == 200)
        let answer = try await eventuallyValue("the delta link to expire", timeout: .seconds(5)) {
            let answer = try await client.call("GET", url: deltaLink)
            return answer.status == 200 ? nil : answer
        }
        #expect(answer.status == 400)
        #expect(answer.errorCode == "0x80044352")
        #expect(answer.errorMessage == "Version stamp associated with the client has expired. Please perform a full sync.")
    }
}
