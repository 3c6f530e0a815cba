import CRMEmulatorCore
import Foundation
import Testing
import TestSupport

/// The emulator refuses what the real services refuse (docs/emulator.md, "As strict as the
/// real services"), so a connector cannot pass here and fail in production.
@Suite struct EmulatorStrictnessTests {
    @Test func dynamicsRefusesADateOnlyLiteralAgainstADateTimeColumn() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 3)
        defer { emulator.stop() }
        let dateOnly = try await client.api("GET", "contacts", query: [("$select", "lastname"), ("$filter", "modifiedon ge 1990-01-01")])
        #expect(dateOnly.status == 400)
        #expect(dateOnly.errorCode == "0x80060888")
        #expect(dateOnly.errorMessage?.contains("'Edm.DateTimeOffset' and 'Edm.Date'") == true, "\(dateOnly.text)")

        let dateTime = try await client.api("GET", "contacts", query: [("$select", "lastname"), ("$filter", "modifiedon ge 1990-01-01T00:00:00Z")])
        #expect(dateTime.status == 200, "\(dateTime.text)")
        #expect(dateTime.rows.count == 3)
        // A date-only column still takes a date-only literal.
        let birthdate = try await client.api("GET", "contacts", query: [("$select", "lastname"), ("$filter", "birthdate ge 1900-01-01")])
        #expect(birthdate.status == 200, "\(birthdate.text)")
    }

    @Test func dynamicsTokenScopeMustNameTheOrganisation() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 0)
        defer { emulator.stop() }
        for scope in ["https://another-org.crm.dynamics.com/.default", "api://crmbridge/.default", "/.default"] {
            let answer = try await client.tokenRequest(clientId: "crmbridge-demo", secret: "demo-secret", scope: scope)
            #expect(answer.status == 400, "\(scope): \(answer.text)")
            #expect(answer.json["error"] as? String == "invalid_resource", "\(scope)")
            #expect((answer.json["error_description"] as? String)?.hasPrefix("AADSTS500011") == true, "\(scope)")
        }
        let own = try await client.tokenRequest(clientId: "crmbridge-demo", secret: "demo-secret", scope: emulator.baseURL + "/.default")
        #expect(own.status == 200, "\(own.text)")
    }

    @Test func dynamicsRefusesATokenIssuedForAnotherOrganisation() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 1)
        defer { emulator.stop() }
        // The same process reached under another host name plays another organisation.
        let port = try #require(URL(string: emulator.baseURL)?.port)
        var other = DynamicsTestClient(baseURL: "http://localhost:\(port)")
        other.token = try await other.fetchToken()
        var mixed = client
        mixed.token = other.token
        let refused = try await mixed.api("GET", "contacts", query: [("$select", "lastname")])
        #expect(refused.status == 401)
        let accepted = try await other.api("GET", "contacts", query: [("$select", "lastname")])
        #expect(accepted.status == 200, "\(accepted.text)")
    }

    @Test func dynamicsRefusesABatchBodyWithBareLineFeeds() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 0)
        defer { emulator.stop() }
        let crlf = [
            "--batch_LF",
            "Content-Type: application/http",
            "Content-Transfer-Encoding: binary",
            "",
            "POST /api/data/v9.2/contacts HTTP/1.1",
            "Content-Type: application/json",
            "",
            #"{"lastname":"Line Ends"}"#,
            "--batch_LF--",
            "",
        ]
        let headers = ["Content-Type": "multipart/mixed;boundary=batch_LF"]
        let bare = try await client.call("POST", url: client.apiRoot + "$batch", headers: headers, body: Data(crlf.joined(separator: "\n").utf8))
        #expect(bare.status == 400, "\(bare.text)")
        #expect(bare.errorMessage?.contains("CRLF") == true)
        #expect(try await client.api("GET", "contacts", query: [("$filter", "lastname eq 'Line Ends'")]).rows.isEmpty)

        let documented = try await client.call("POST", url: client.apiRoot + "$batch", headers: headers, body: Data(crlf.joined(separator: "\r\n").utf8))
        #expect(documented.status == 200, "\(documented.text)")
        #expect(try await client.api("GET", "contacts", query: [("$filter", "lastname eq 'Line Ends'")]).rows.count == 1)
    }

    @Test func salesforceRefusesSOQLDateTimesWithAFractionOfASecond() async throws {
        let (emulator, client) = try await startSalesforce(seed: 2)
        defer { emulator.stop() }
        let fraction = try await client.query("SELECT Id FROM Contact WHERE SystemModstamp >= 2000-01-01T00:00:00.000Z")
        #expect(fraction.status == 400, "\(fraction.text)")
        #expect(fraction.errorCode == "MALFORMED_QUERY")
        let whole = try await client.query("SELECT Id FROM Contact WHERE SystemModstamp >= 2000-01-01T00:00:00Z")
        #expect(whole.status == 200, "\(whole.text)")
        let all = try await client.query("SELECT Id FROM Contact")
        #expect(whole.object["totalSize"] as? Int == all.object["totalSize"] as? Int)
        let offset = try await client.query("SELECT Id FROM Contact WHERE SystemModstamp >= 2000-01-01T01:00:00+01:00")
        #expect(offset.status == 200, "\(offset.text)")
    }

    @Test func salesforcePurgedDeleteLogMovesEarliestDateAvailable() async throws {
        let (emulator, client) = try await startSalesforce()
        defer { emulator.stop() }
        let late = try await client.admin("POST", "late", json: #"{"object":"Contact","fields":{"LastName":"Purged"},"secondsAgo":120,"deleted":true}"#)
        let id = try #require(late.object["id"] as? String)
        let now = Date()
        let window = SalesforceReplicationTests.window(from: now.addingTimeInterval(-3600), to: now.addingTimeInterval(120))
        let before = try await client.send("GET", "/sobjects/Contact/deleted/" + window)
        #expect((before.object["deletedRecords"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [id])

        let purge = try await client.admin("POST", "deleted/purge?object=Contact")
        #expect(purge.status == 200, "\(purge.text)")
        let after = try await client.send("GET", "/sobjects/Contact/deleted/" + window)
        #expect(after.status == 200, "\(after.text)")
        #expect((after.object["deletedRecords"] as? [[String: Any]])?.isEmpty == true)
        let earliest = try #require(after.object["earliestDateAvailable"] as? String)
        #expect(earliest == purge.object["earliestDateAvailable"] as? String)
        #expect(earliest > (before.object["earliestDateAvailable"] as? String ?? ""))
        // The recycle bin keeps the row: queryAll still finds it.
        let bin = try await client.query("SELECT Id FROM Contact WHERE IsDeleted = true", all: true)
        #expect((bin.object["records"] as? [[String: Any]])?.compactMap { $0["Id"] as? String } == [id])
        #expect(try await client.admin("POST", "deleted/purge?object=Nothing").status == 400)
    }
}
