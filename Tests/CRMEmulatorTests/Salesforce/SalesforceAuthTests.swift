import CRMEmulatorCore
import Foundation
import Testing
import TestSupport

@Suite("Salesforce emulator: OAuth, sessions, API allocation")
struct SalesforceAuthTests {
    @Test func tokenAnswerHasTheDocumentedShapeAndPointsBackToTheHostItCameTo() async throws {
        let (emulator, client) = try await startSalesforce()
        defer { emulator.stop() }
        let answer = try await client.requestToken()
        #expect(answer.status == 200)
        let body = answer.object
        #expect((body["access_token"] as? String)?.isEmpty == false)
        #expect(body["instance_url"] as? String == emulator.baseURL)
        #expect(body["token_type"] as? String == "Bearer")
        #expect(Int64(body["issued_at"] as? String ?? "") != nil)
        #expect(body["signature"] is String)
        #expect((body["id"] as? String)?.hasPrefix(emulator.baseURL + "/id/") == true)
        #expect(body["expires_in"] == nil)
    }

    @Test func tokenEndpointRefusesBadCredentialsWithOAuthErrors() async throws {
        let (emulator, client) = try await startSalesforce()
        defer { emulator.stop() }
        let wrongSecret = try await client.requestToken(secret: "nope")
        #expect(wrongSecret.status == 400)
        #expect(wrongSecret.object["error"] as? String == "invalid_client")
        #expect(wrongSecret.object["error_description"] is String)
        let unknownClient = try await client.requestToken(clientID: "someone-else")
        #expect(unknownClient.status == 400)
        #expect(unknownClient.object["error"] as? String == "invalid_client_id")
        let password = try await client.requestToken(grantType: "password")
        #expect(password.status == 400)
        #expect(password.object["error"] as? String == "unsupported_grant_type")
    }

    @Test func configuredCredentialsReplaceTheDemoOnes() async throws {
        let (emulator, client) = try await startSalesforce { $0.clientID = "other"; $0.clientSecret = "s3cret" }
        defer { emulator.stop() }
        #expect(try await client.requestToken().status == 400)
        #expect(try await client.requestToken(clientID: "other", secret: "s3cret").status == 200)
    }

    @Test func missingOrForcedExpiredSessionAnswersInvalidSessionID() async throws {
        let (emulator, client) = try await startSalesforce(seed: 3)
        defer { emulator.stop() }
        #expect(try await client.query("SELECT Id FROM Contact").status == 200)

        var anonymous = client
        anonymous.token = nil
        let missing = try await anonymous.query("SELECT Id FROM Contact")
        #expect(missing.status == 401)
        #expect(missing.text == #"[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"#)
        #expect(missing.header("Sforce-Limit-Info") == "api-usage=1/100000")

        #expect(try await client.admin("POST", "tokens/expire").status == 204)
        let expired = try await client.query("SELECT Id FROM Contact")
        #expect(expired.status == 401)
        #expect(expired.text == #"[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"#)

        let renewed = try await SalesforceTestClient.connect(emulator)
        #expect(try await renewed.query("SELECT Id FROM Contact").status == 200)
    }

    @Test func sessionsExpireAfterTheConfiguredTimeout() async throws {
        let (emulator, client) = try await startSalesforce { $0.sessionTimeout = .zero }
        defer { emulator.stop() }
        #expect(try await client.query("SELECT Id FROM Contact").errorCode == "INVALID_SESSION_ID")
    }

    @Test func everyAPIAnswerCarriesSforceLimitInfo() async throws {
        let (emulator, client) = try await startSalesforce(seed: 2)
        defer { emulator.stop() }
        let answers = [
            try await client.query("SELECT Id FROM Contact"),
            try await client.query("SELECT Nope FROM Contact"),
            try await client.send("POST", "/sobjects/Contact/", json: #"{"LastName":"Limit"}"#),
            try await client.send("GET", "/sobjects/Contact/003000000000000AAA"),
            try await client.send("GET", "/limits"),
        ]
        for (offset, answer) in answers.enumerated() {
            #expect(answer.header("Sforce-Limit-Info") == "api-usage=\(offset + 1)/100000")
        }
        let limits = try await client.send("GET", "/limits").object["DailyApiRequests"] as? [String: Any]
        #expect(limits?["Max"] as? Int == 100_000)
        #expect(limits?["Remaining"] as? Int == 100_000 - 6)
    }

    @Test func spentDailyAllocationAnswersRequestLimitExceeded() async throws {
        let (emulator, client) = try await startSalesforce(seed: 2)
        defer { emulator.stop() }
        #expect(try await client.admin("PUT", "limits", json: #"{"dailyApiRequests":3}"#).status == 200)
        for _ in 0..<3 { #expect(try await client.query("SELECT Id FROM Contact").status == 200) }
        let refused = try await client.query("SELECT Id FROM Contact")
        #expect(refused.status == 403)
        #expect(refused.text == #"[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]"#)
        #expect(refused.header("Sforce-Limit-Info") == "api-usage=3/3")

        #expect(try await client.admin("PUT", "limits", json: #"{"dailyApiRequests":10,"apiRequestsUsed":0}"#).status == 200)
        let again = try await client.query("SELECT Id FROM Contact")
        #expect(again.status == 200)
        #expect(again.header("Sforce-Limit-Info") == "api-usage=1/10")
    }

    @Test func unknownVersionsAndResourcesAnswerNotFound() async throws {
        let (emulator, client) = try await startSalesforce()
        defer { emulator.stop() }
        let version = try await client.send("GET", "/services/data/v10.0/limits")
        #expect(version.status == 404)
        #expect(version.errorCode == "NOT_FOUND")
        let resource = try await client.send("GET", "/nothing/here")
        #expect(resource.status == 404)
        #expect(resource.errorCode == "NOT_FOUND")
        let method = try await client.send("PUT", "/sobjects/Contact/003Hn0000000001AAA", json: "{}")
        #expect(method.status == 405)
        #expect(method.errorCode == "METHOD_NOT_ALLOWED")
        let versions = try await client.send("GET", "/services/data/")
        #expect(versions.status == 200)
        #expect(versions.array.contains { $0["url"] as? String == "/services/data/v60.0" })
    }
}
