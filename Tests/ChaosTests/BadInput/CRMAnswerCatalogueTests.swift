import Config
import Foundation
import TestSupport
import Testing
import WorkflowRuntime

/// Issue 16's unexpected CRM answers, met by a real crm-to-campaign reader process: an HTML
/// error page, a JSON of the wrong shape, a 200 with an empty body. The reader shows what is
/// wrong in its status (its heartbeat's error, which the Workflows page shows: before the
/// fix a 2xx counted as an answer before it was read, so a CRM answering garbage never
/// showed there, only in the log), stays alive,
/// publishes nothing and stores no LASTIMPORT. The parsers' own cases are in
/// SharedTests/CRM/CRMParsingTests (a Salesforce page not done without its next URL,
/// missing ids, bad dates).
@Suite(.serialized) struct CRMAnswerCatalogueTests {
    @Test(arguments: [MisbehavingCRM.Answer.htmlErrorPage, .wrongJSONShape, .emptyBody])
    func aCRMAnswerOfTheWrongKindShowsInTheStatusAndPublishesNothing(answer: MisbehavingCRM.Answer) async throws {
        let crm = try await MisbehavingCRM(answer)
        defer { crm.stop() }
        let stack = try await ChaosStack.start()
        // The status reason shows a CRM left without a usable answer this long (default 60 s).
        let yaml = try String(contentsOfFile: stack.configPath, encoding: .utf8)
        try yaml.replacingOccurrences(of: "kind: dynamics", with: "kind: dynamics\n    notAnsweringAfter: 3s")
            .write(toFile: stack.configPath, atomically: true, encoding: .utf8)
        try await stack.startWorkflow(.crmToCampaign)
        var environment = ChaosSecrets.environment(stack)
        environment["DYNAMICS_URL"] = crm.baseURL
        environment["DYNAMICS_TOKEN_URL"] = crm.baseURL + "/tenant/oauth2/v2.0/token"
        let reader = try RoleProcessHandle("IngressService", ["reader"], environment: environment)
        defer { reader.terminate() }

        let beat = try await eventuallyValue("the reader to show the \(answer.rawValue) answer (\(crm.requests.suffix(3)))", timeout: .seconds(90)) {
            try await stack.heartbeats(.crmToCampaign).first { $0.role == "reader" && ($0.lastError ?? "").contains("unexpected answer") }
        }
        let error = beat.lastError ?? ""
        print("CRM answer \(answer.rawValue): reader \(beat.state.rawValue): \(error)")
        #expect(crm.requests.count >= 2, "the reader reached the CRM past its token: \(crm.requests)")
        #expect(reader.isRunning, "the reader died on \(answer.rawValue): \(reader.log.suffix(1500))")
        #expect(try await stack.option(ChaosStack.lastImport) == nil, "a window was stored from a broken answer")
        let published = try await stack.messages(ChaosStack.contactTopic)
        #expect(published.isEmpty, "\(published.count) records published from a broken answer")
        ChaosSecrets.expectNoneIn(reader.log + error, stack: stack, what: "the reader's log and status")
        #expect(!error.contains("misbehaving-crm-token"), "the status shows the access token")
    }
}
