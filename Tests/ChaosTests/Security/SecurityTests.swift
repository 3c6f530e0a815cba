import Config
import Foundation
import HTTPBridge
import TestSupport
import Testing
import WorkflowRuntime

/// Issue 16's security checks that are not already elsewhere. Covered elsewhere, and run by
/// `make test`: the constant-time token comparison (ControlTests/ControlUnitTests), the
/// page's token kept in the browser with a "forget" button (ControlService/Templates/app.js,
/// ControlTests), population SQL that runs read-only (IngressTests/UpstreamPopulationTests,
/// PopulationTests), configuration identifiers refused before any SQL (APICatalogueTests),
/// and the grep of every scenario's output for secrets (ChaosCheck).
@Suite(.serialized) struct SecurityTests {
    /// `/api/*` without the token, with a wrong one, a prefix of it, another scheme: 401
    /// with `WWW-Authenticate`, and no answer repeats what was sent.
    @Test func theAPIRefusesEveryCallWithoutTheRightTokenWith401() async throws {
        let stack = try await ChaosStack.start()
        let control = try await ControlProcess(stack: stack)
        defer { control.stop() }
        let token = ChaosSecrets.apiToken
        let wrong: [(String, String?)] = [
            ("no Authorization header", nil),
            ("a wrong token", "Bearer wrong-\(token.suffix(6))"),
            ("a prefix of the token", "Bearer " + String(token.dropLast())),
            ("the token and more", "Bearer \(token)x"),
            ("an empty bearer", "Bearer "),
            ("the token as Basic", "Basic \(Data("user:\(token)".utf8).base64EncodedString())"),
            ("the token without a scheme", token),
        ]
        for path in ["/api/workflows", "/api/options", "/api/workflows/crm-to-campaign/config"] {
            for (name, header) in wrong {
                let response = try await control.call("GET", path, token: nil, authorization: header)
                #expect(response.status == 401, "\(path) with \(name) answered \(response.status)")
                #expect(response.headers["WWW-Authenticate"]?.hasPrefix("Bearer") == true, "\(path) with \(name)")
                #expect(!response.bodyText.contains(token.suffix(10)), "the 401 repeats the token")
            }
            #expect(try await control.call("GET", path).status == 200, "\(path) with the token")
        }
        let start = try await control.call("POST", "/api/workflows/crm-to-campaign/start", token: "wrong")
        #expect(start.status == 401)
        #expect(try await stack.query("SELECT desired_state FROM crmbridge.workflows WHERE name = 'crm-to-campaign'").first?["desired_state"] != "running",
                "a refused call changed nothing")
        ChaosSecrets.expectNoneIn(control.process.log, stack: stack, what: "the control service's log")
    }

    /// The product's HTTP client refuses a server whose certificate it cannot verify (the
    /// same server is reachable when verification is off, so it is the certificate that
    /// was refused), and a role whose CRM is that server never sends it a request — so
    /// never its client secret — and shows the TLS failure in its heartbeat.
    @Test func anHTTPSCRMWithASelfSignedCertificateIsRefusedAndGetsNoSecret() async throws {
        let server = try await SelfSignedServer()
        defer { server.stop() }
        let verifying = HTTPClient()
        do {
            _ = try await verifying.execute(HTTPRequest(method: "GET", url: server.baseURL + "/probe"))
            Issue.record("a self-signed certificate was accepted")
        } catch let error as HTTPError {
            #expect(error.code == .tls, "\(error)")
        }
        let trusting = HTTPClient(configuration: .init(verifyTLS: false))
        #expect(try await trusting.execute(HTTPRequest(method: "GET", url: server.baseURL + "/probe")).status == 200)
        #expect(server.requests.count == 1, "only the unverified probe got through: \(server.requests)")

        let stack = try await ChaosStack.start()
        try await stack.startWorkflow(.crmToCampaign)
        var environment = ChaosSecrets.environment(stack)
        environment["DYNAMICS_URL"] = server.baseURL
        environment["DYNAMICS_TOKEN_URL"] = server.baseURL + "/tenant/oauth2/v2.0/token"
        let reader = try RoleProcessHandle("IngressService", ["reader"], environment: environment)
        defer { reader.terminate() }
        let beat = try await eventuallyValue("the reader to report the TLS failure", timeout: .seconds(90)) {
            try await stack.heartbeats(.crmToCampaign).first { $0.role == "reader" && ($0.lastError ?? "").lowercased().contains("tls") }
        }
        #expect(server.requests.count == 1, "the reader sent requests to an unverified server: \(server.requests)")
        #expect(reader.isRunning, "the reader keeps running (and retrying) after a TLS failure")
        ChaosSecrets.expectNoneIn(reader.log + (beat.lastError ?? ""), stack: stack, what: "the reader's log and status")
    }
}
