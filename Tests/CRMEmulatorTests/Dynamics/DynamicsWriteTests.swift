import CRMEmulatorCore
import Foundation
import Testing
import TestSupport

@Suite struct DynamicsWriteTests {
    @Test func createAnswers204WithEntityIdOr201WithRepresentation() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 0)
        defer { emulator.stop() }
        let plain = try await client.api("POST", "contacts", json: #"{"firstname":"Ann","lastname":"Lee","emailaddress1":"ann@example.com"}"#)
        #expect(plain.status == 204)
        let entityId = try #require(plain.header("OData-EntityId"))
        #expect(entityId.hasPrefix(client.apiRoot + "contacts("))
        let read = try await client.call("GET", url: entityId + "?$select=fullname,modifiedon")
        #expect(read.status == 200)
        #expect(read.json["fullname"] as? String == "Ann Lee")
        let modified = try #require(read.json["modifiedon"] as? String)
        #expect(modified.count == 20 && modified.hasSuffix("Z"))

        let rich = try await client.api("POST", "contacts", query: [("$select", "lastname")], headers: ["Prefer": "return=representation"], json: #"{"lastname":"Rep"}"#)
        #expect(rich.status == 201)
        #expect(rich.json["lastname"] as? String == "Rep")
        #expect(rich.json["contactid"] is String)
    }

    @Test func upsertHonoursIfMatchAndIfNoneMatch() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 0)
        defer { emulator.stop() }
        let id = "5a1e0c4b-7e61-4d3c-9b3e-0f7f2a9f1c11"
        let missingUpdate = try await client.api("PATCH", "contacts(\(id))", headers: ["If-Match": "*"], json: #"{"lastname":"A"}"#)
        #expect(missingUpdate.status == 404)
        #expect(missingUpdate.errorCode == "0x80040217")
        let created = try await client.api("PATCH", "contacts(\(id))", headers: ["If-None-Match": "*"], json: #"{"lastname":"A"}"#)
        #expect(created.status == 204)
        let again = try await client.api("PATCH", "contacts(\(id))", headers: ["If-None-Match": "*"], json: #"{"lastname":"B"}"#)
        #expect(again.status == 412)
        let update = try await client.api("PATCH", "contacts(\(id))", headers: ["If-Match": "*"], json: #"{"lastname":"C"}"#)
        #expect(update.status == 204)
        let read = try await client.api("GET", "contacts(\(id))", query: [("$select", "lastname")])
        #expect(read.json["lastname"] as? String == "C")
        let gone = try await client.api("DELETE", "contacts(\(id))")
        #expect(gone.status == 204)
        let goneAgain = try await client.api("DELETE", "contacts(\(id))")
        #expect(goneAgain.status == 404)
    }

    /// Optimistic concurrency: `If-Match` with the `@odata.etag` read updates only that
    /// version; once another write moved it, Dataverse answers 412 `0x80060882`.
    @Test func updateWithAStaleEtagIsRefusedWith412() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 0)
        defer { emulator.stop() }
        let id = "5a1e0c4b-7e61-4d3c-9b3e-0f7f2a9f1c12"
        #expect(try await client.api("PATCH", "contacts(\(id))", headers: ["If-None-Match": "*"], json: #"{"lastname":"A"}"#).status == 204)
        let read = try await client.api("GET", "contacts(\(id))", query: [("$select", "lastname")])
        let etag = try #require(read.json["@odata.etag"] as? String)
        #expect(etag.hasPrefix("W/\""))
        let current = try await client.api("PATCH", "contacts(\(id))", headers: ["If-Match": etag], json: #"{"lastname":"B"}"#)
        #expect(current.status == 204)
        let stale = try await client.api("PATCH", "contacts(\(id))", headers: ["If-Match": etag], json: #"{"lastname":"C"}"#)
        #expect(stale.status == 412)
        #expect(stale.errorCode == "0x80060882")
        let after = try await client.api("GET", "contacts(\(id))", query: [("$select", "lastname")])
        #expect(after.json["lastname"] as? String == "B")
    }

    @Test func alternateKeyUpsertWritesOneEmailEventPerEventId() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 3)
        defer { emulator.stop() }
        let contact = try await client.api("GET", "contacts", query: [("$select", "lastname"), ("$top", "1")])
        let contactId = try #require(contact.rows.first?["contactid"] as? String)
        let body = #"{"subject":"Campaign 7 / Delivery 9","regardingobjectid_contact_crmb_emailsend@odata.bind":"/contacts(\#(contactId))","crmb_campaignname":"Spring","crmb_deliveryname":"Mail 1","crmb_eventdate":"2026-01-02T03:04:05Z"}"#
        for _ in 0..<2 {
            let answer = try await client.api("PATCH", "crmb_emailsends(crmb_eventid='123')", json: body)
            #expect(answer.status == 204)
        }
        let rows = try await client.api("GET", "crmb_emailsends", query: [("$select", "crmb_eventid,_regardingobjectid_value,crmb_eventdate")])
        #expect(rows.rows.count == 1)
        #expect(rows.rows.first?["crmb_eventid"] as? String == "123")
        #expect(rows.rows.first?["_regardingobjectid_value"] as? String == contactId)
        let duplicate = try await client.api("POST", "crmb_emailsends", json: #"{"subject":"dup","crmb_eventid":"123"}"#)
        #expect(duplicate.status == 412)
        #expect(duplicate.errorCode == "0x80060892")
    }

    /// Dataverse matches navigation properties exactly: an activity's regarding needs
    /// `regardingobjectid_<target>_<activity>`; no suffix, a missing activity suffix or
    /// another case is an undeclared property (400), and nothing is written.
    @Test func regardingBindMustNameTargetAndActivityInExactCase() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 3)
        defer { emulator.stop() }
        let contact = try await client.api("GET", "contacts", query: [("$select", "lastname"), ("$top", "1")])
        let contactId = try #require(contact.rows.first?["contactid"] as? String)
        for navigation in ["regardingobjectid", "regardingobjectid_contact", "regardingobjectid_Contact_crmb_emailopen", "RegardingObjectId_contact_crmb_emailopen"] {
            let body = "{\"subject\":\"s\",\"\(navigation)@odata.bind\":\"/contacts(\(contactId))\"}"
            let answer = try await client.api("PATCH", "crmb_emailopens(crmb_eventid='9')", json: body)
            #expect(answer.status == 400, "\(navigation) was accepted")
        }
        let rows = try await client.api("GET", "crmb_emailopens", query: [("$select", "crmb_eventid")])
        #expect(rows.rows.isEmpty)
        let body = "{\"subject\":\"s\",\"regardingobjectid_contact_crmb_emailopen@odata.bind\":\"/contacts(\(contactId))\"}"
        #expect(try await client.api("PATCH", "crmb_emailopens(crmb_eventid='9')", json: body).status == 204)
    }

    @Test func validationRulesAndLengthLimitsRefuseRecords() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 0)
        defer { emulator.stop() }
        let rules = try await client.admin("PUT", "validation-rules", json: #"[{"entity":"contacts","field":"lastname","equals":"Reject Me"}]"#)
        #expect(rules.status == 200)
        let refused = try await client.api("POST", "contacts", json: #"{"lastname":"Reject Me"}"#)
        #expect(refused.status == 400)
        #expect(refused.errorCode == "0x80044331")
        let tooLong = try await client.api("POST", "contacts", json: "{\"lastname\":\"\(String(repeating: "x", count: 51))\"}")
        #expect(tooLong.status == 400)
        #expect(tooLong.errorCode == "0x80044331")
        let wrongType = try await client.api("POST", "contacts", json: #"{"lastname":5}"#)
        #expect(wrongType.status == 400)
        #expect(wrongType.errorCode == "0x80048d19")
        let counts = try await client.admin("GET", "counts")
        #expect(counts.json["contacts"] as? Int == 0)
    }

    @Test func lateRecordKeepsItsPastModifiedOn() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 0)
        defer { emulator.stop() }
        let late = try await client.admin("POST", "late?entity=contacts&modifiedon=2024-03-04T05:06:07Z", json: #"{"lastname":"Late"}"#)
        #expect(late.status == 201)
        let id = try #require(late.json["id"] as? String)
        let read = try await client.api("GET", "contacts(\(id))", query: [("$select", "modifiedon")])
        #expect(read.json["modifiedon"] as? String == "2024-03-04T05:06:07Z")
    }
}
