import Config
import Foundation
import HTTPBridge
import TestSupport
import Testing

@Suite struct EmulatorAdminTests {
    let http = HTTPClient()

    @Test func healthzAnswersOverRealHTTP() async throws {
        let emulator = try await TestEmulator.start()
        defer { emulator.stop() }
        let response = try await http.execute(.init(url: emulator.baseURL + "/healthz"))
        #expect(response.status == 200)
        #expect(response.bodyText == "ok")
    }

    @Test func faultSettingsAreValidatedAndStored() async throws {
        let emulator = try await TestEmulator.start()
        defer { emulator.stop() }
        var bad = HTTPRequest(method: "PUT", url: emulator.baseURL + "/admin/faults", body: Array(#"{"throttleShare":2}"#.utf8))
        bad.headers.add("Content-Type", "application/json")
        let refused = try await http.execute(bad)
        #expect(refused.status == 400)
        #expect(refused.bodyText.contains("throttleShare must be between 0 and 1"))

        var good = bad
        good.body = Array(#"{"throttleShare":0.5,"retryAfterSeconds":3}"#.utf8)
        #expect(try await http.execute(good).status == 200)
        #expect(emulator.server.faults.settings.retryAfterSeconds == 3)

        let counters = try await http.execute(.init(url: emulator.baseURL + "/admin/counters"))
        #expect(counters.status == 200)
        #expect(counters.bodyText.contains("\"requests\""))
    }

    /// `refuseWrites` refuses every write call as a whole, in each CRM's error shape, and
    /// leaves reads and token requests alone; a non-4xx status is refused as a setting.
    @Test func refusedWritesAreAnsweredWholeInEachCRMsShapeWhileReadsAndTokensPass() async throws {
        let emulator = try await TestEmulator.start()
        defer { emulator.stop() }
        func put(_ json: String) async throws -> HTTPResponse {
            var request = HTTPRequest(method: "PUT", url: emulator.baseURL + "/admin/faults", body: Array(json.utf8))
            request.headers.add("Content-Type", "application/json")
            return try await http.execute(request)
        }
        let transient = try await put(#"{"refuseWrites":{"status":503,"code":"X","message":"m"}}"#)
        #expect(transient.status == 400)
        #expect(transient.bodyText.contains("refuseWrites.status must be a 4xx status"))
        #expect(try await put(#"{"refuseWrites":{"status":403,"code":"INSUFFICIENT_ACCESS","message":"no access"}}"#).status == 200)

        let client = TestCRMClient(kind: .salesforce, baseURL: emulator.baseURL, http: http)
        _ = try await client.records("Contact", idField: "Id", fields: ["LastName"])  // token and read pass
        var write = HTTPRequest(
            method: "POST", url: emulator.baseURL + "/services/data/v60.0/sobjects/Contact/", body: Array(#"{"LastName":"X"}"#.utf8))
        write.headers.add("Authorization", "Bearer \(try await token(emulator, salesforce: true))")
        write.headers.add("Content-Type", "application/json")
        let refused = try await http.execute(write)
        #expect(refused.status == 403)
        #expect(refused.bodyText.contains(#""errorCode":"INSUFFICIENT_ACCESS""#), "\(refused.bodyText)")

        var create = HTTPRequest(method: "POST", url: emulator.baseURL + "/api/data/v9.2/contacts", body: Array(#"{"lastname":"X"}"#.utf8))
        create.headers.add("Authorization", "Bearer \(try await token(emulator, salesforce: false))")
        create.headers.add("Content-Type", "application/json")
        let dynamicsRefused = try await http.execute(create)
        #expect(dynamicsRefused.status == 403)
        #expect(dynamicsRefused.bodyText.contains(#""code":"INSUFFICIENT_ACCESS""#), "\(dynamicsRefused.bodyText)")
    }

    private func token(_ emulator: TestEmulator, salesforce: Bool) async throws -> String {
        let request = salesforce
            ? HTTPRequest.form(url: emulator.baseURL + "/services/oauth2/token", fields: [
                ("client_id", "crmbridge-demo"), ("client_secret", "demo-secret"), ("grant_type", "client_credentials")])
            : HTTPRequest.form(url: emulator.baseURL + "/test-tenant/oauth2/v2.0/token", fields: [
                ("client_id", "crmbridge-demo"), ("client_secret", "demo-secret"), ("grant_type", "client_credentials"),
                ("scope", emulator.baseURL + "/.default")])
        let answer = try JSONSerialization.jsonObject(with: Data(try await http.execute(request).body)) as? [String: Any]
        return answer?["access_token"] as? String ?? ""
    }
}
