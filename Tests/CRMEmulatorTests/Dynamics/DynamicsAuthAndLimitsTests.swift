import CRMEmulatorCore
import Foundation
import Testing
import TestSupport

@Suite struct DynamicsAuthAndLimitsTests {
    @Test func tokenEndpointAnswersTheDocumentedShapes() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 0)
        defer { emulator.stop() }
        let good = try await client.tokenRequest(clientId: "crmbridge-demo", secret: "demo-secret")
        #expect(good.status == 200)
        #expect(good.json["token_type"] as? String == "Bearer")
        #expect(good.json["expires_in"] as? Int == 3599)
        #expect(good.json["access_token"] is String)
        let bad = try await client.tokenRequest(clientId: "crmbridge-demo", secret: "wrong")
        #expect(bad.status == 400)
        #expect(bad.json["error"] as? String == "invalid_client")
        #expect((bad.json["error_description"] as? String)?.hasPrefix("AADSTS") == true)
        #expect((bad.json["error_codes"] as? [Int])?.isEmpty == false)
        #expect(bad.text.contains("wrong") == false)
    }

    @Test func callsAreRefusedWith401AfterTokensAreForcedToExpire() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 2)
        defer { emulator.stop() }
        let before = try await client.api("GET", "contacts", query: [("$select", "lastname")])
        #expect(before.status == 200)
        let expire = try await client.admin("POST", "tokens/expire")
        #expect(expire.status == 204)
        let after = try await client.api("GET", "contacts", query: [("$select", "lastname")])
        #expect(after.status == 401)
        var anonymous = client
        anonymous.token = nil
        let none = try await anonymous.api("GET", "contacts")
        #expect(none.status == 401)
        var renewed = client
        renewed.token = try await client.fetchToken()
        let again = try await renewed.api("GET", "contacts", query: [("$select", "lastname")])
        #expect(again.status == 200)
    }

    @Test func spentRequestBudgetAnswers429WithRetryAfter() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 2)
        defer { emulator.stop() }
        let limits = try await client.admin("PUT", "limits", json: #"{"requests":5,"executionTimeMilliseconds":1200000,"concurrentRequests":52,"windowSeconds":300}"#)
        #expect(limits.status == 200)
        var statuses: [Int] = []
        var throttled: DynamicsTestClient.Answer?
        for _ in 0..<6 {
            let answer = try await client.api("GET", "contacts", query: [("$select", "lastname")])
            statuses.append(answer.status)
            if answer.status == 429 { throttled = answer }
        }
        #expect(statuses == [200, 200, 200, 200, 200, 429])
        let refusal = try #require(throttled)
        let retryAfter = try #require(refusal.header("Retry-After").flatMap(Int.init))
        #expect(retryAfter >= 1 && retryAfter <= 300)
        #expect(refusal.errorCode == "0x80072322")
    }

    @Test func everyBatchOperationCountsAgainstTheBudget() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 0)
        defer { emulator.stop() }
        _ = try await client.admin("PUT", "limits", json: #"{"requests":3,"executionTimeMilliseconds":1200000,"concurrentRequests":52,"windowSeconds":300}"#)
        let batch = try await client.call("POST", url: client.apiRoot + "$batch", headers: ["Content-Type": "multipart/mixed;boundary=batch_AAA", "Prefer": "odata.continue-on-error"],
                                          body: Data(DynamicsBatchTests.body(missingId: "11111111-2222-4333-8444-555555555555").utf8))
        #expect(batch.status == 200)
        let next = try await client.api("GET", "contacts")
        #expect(next.status == 429)
        #expect(next.header("Retry-After") != nil)
    }
}
