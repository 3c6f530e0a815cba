import CRMEmulatorCore
import Foundation
import Testing
import TestSupport

@Suite("Salesforce emulator: admin controls and injected faults")
struct SalesforceAdminAndFaultTests {
    @Test func seedAddsRecordsAndCountsReportThem() async throws {
        let (emulator, client) = try await startSalesforce(seed: 100)
        defer { emulator.stop() }
        let before = try await client.admin("GET", "counts").object["Contact"] as? [String: Int]
        #expect((before?["live"] ?? 0) + (before?["deleted"] ?? 0) == 100)
        #expect((before?["deleted"] ?? 0) > 0)
        let seeded = try await client.admin("POST", "seed?object=Contact&count=50")
        #expect(seeded.status == 200)
        #expect(seeded.object["total"] as? Int == 150)
        #expect(try await client.admin("POST", "seed?object=Nothing&count=5").status == 400)
        #expect(try await client.admin("POST", "seed?object=Contact&count=-1").status == 400)
    }

    @Test func resetRestoresTheSeededOrg() async throws {
        let (emulator, client) = try await startSalesforce(seed: 10)
        defer { emulator.stop() }
        #expect(try await client.send("POST", "/sobjects/Contact/", json: #"{"LastName":"Extra"}"#).status == 201)
        emulator.server.crms.forEach { $0.reset() }
        let counts = try await client.admin("GET", "counts").object["Contact"] as? [String: Int]
        #expect((counts?["live"] ?? 0) + (counts?["deleted"] ?? 0) == 10)
        #expect(try await client.query("SELECT Id FROM Contact").errorCode == "INVALID_SESSION_ID")
    }

    @Test func injectedThrottleAnswers429WithRetryAfterAndInjected503IsServerUnavailable() async throws {
        let (emulator, client) = try await startSalesforce(seed: 1)
        defer { emulator.stop() }
        var settings = FaultSettings()
        settings.throttleShare = 1
        settings.retryAfterSeconds = 7
        emulator.server.faults.settings = settings
        let throttled = try await client.query("SELECT Id FROM Contact")
        #expect(throttled.status == 429)
        #expect(throttled.header("Retry-After") == "7")
        #expect(throttled.errorCode == "REQUEST_LIMIT_EXCEEDED")
        #expect(throttled.header("Sforce-Limit-Info") != nil)

        settings.throttleShare = 0
        settings.unavailableShare = 1
        emulator.server.faults.settings = settings
        let unavailable = try await client.query("SELECT Id FROM Contact")
        #expect(unavailable.status == 503)
        #expect(unavailable.errorCode == "SERVER_UNAVAILABLE")

        emulator.server.faults.settings = FaultSettings()
        #expect(try await client.query("SELECT Id FROM Contact").status == 200)
    }

    @Test func describeListsFieldsWithTheirTraits() async throws {
        let (emulator, client) = try await startSalesforce()
        defer { emulator.stop() }
        let describe = try await client.send("GET", "/sobjects/CRMB_Email_Event__c/describe")
        #expect(describe.status == 200)
        #expect(describe.object["keyPrefix"] as? String == "a02")
        let fields = describe.object["fields"] as? [[String: Any]] ?? []
        let eventID = fields.first { $0["name"] as? String == "CRMB_Event_Id__c" }
        #expect(eventID?["externalId"] as? Bool == true)
        #expect(eventID?["unique"] as? Bool == true)
        let names = Set(fields.compactMap { $0["name"] as? String })
        #expect(names.isSuperset(of: ["CRMB_Type__c", "CRMB_Contact__c", "CRMB_Campaign_Name__c", "CRMB_Delivery_Name__c",
                                      "CRMB_Event_Date__c", "CRMB_URL__c", "SystemModstamp", "IsDeleted"]))
        let global = try await client.send("GET", "/sobjects")
        let prefixes = (global.object["sobjects"] as? [[String: Any]] ?? []).compactMap { $0["keyPrefix"] as? String }
        #expect(Set(prefixes).isSuperset(of: ["001", "003", "00Q", "006"]))
    }
}
