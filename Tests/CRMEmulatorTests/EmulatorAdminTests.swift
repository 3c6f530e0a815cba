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
}
