import Config
import Foundation
import TestSupport
import Testing
import WorkflowRuntime

/// What the Workflows page must not hide (issue 18), end to end for both CRMs: the
/// control service with its CRM, the crm-to-campaign roles as processes, the emulator
/// over HTTP, real PostgreSQL and Kafka.
@Suite(.serialized) struct CRMVisibilityTests {
    /// The crm-to-campaign section: the demo's contact mapping, plus `extraField`.
    static func contacts(_ crm: CRMKind, extraField: String? = nil) -> String {
        let (object, id, fields) = crm == .dynamics
            ? ("contacts", "contactid", [("firstname", "first_name"), ("lastname", "last_name"), ("emailaddress1", "email")])
            : ("Contact", "Id", [("FirstName", "first_name"), ("LastName", "last_name"), ("Email", "email")])
        var yaml = """
            entities:
              - name: contact
                remoteObject: \(object)
                remoteId: \(id)
                table: profiles
                interval: 1s
                lookBack: 5s
                fields:

            """
        for (remote, column) in fields { yaml += "      - { remote: \(remote), column: \(column) }\n" }
        if let extraField { yaml += "      - { remote: \(extraField), column: phone }\n" }
        return yaml
    }

    /// `workflows:` of crmbridge.yaml, indented by two spaces.
    static func workflows(_ crm: CRMKind) -> String {
        "  crm-to-campaign:\n" + contacts(crm).split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
    }

    static func newContact(_ crm: CRMKind, _ last: String) -> [String: Any] {
        crm == .dynamics ? ["firstname": "Visible", "lastname": last] : ["FirstName": "Visible", "LastName": last]
    }

    static func object(_ crm: CRMKind) -> String { crm == .dynamics ? "contacts" : "Contact" }

    @Test(arguments: [CRMKind.dynamics, .salesforce])
    func anUnknownFieldIsRefusedOnSaveFailsTheWorkflowAtStartAndAfterTheFixNothingIsLost(crm: CRMKind) async throws {
        let stack = try await TestStack.start(crm: crm, workflowsYAML: Self.workflows(crm))
        try await stack.seed(Self.object(crm), count: 20)
        try await StackControl.with(stack) { control in
            // The CRM answers: the unknown field is an error, named at its place; nothing saved.
            let refused = try await control.call("PUT", "/api/workflows/crm-to-campaign/config",
                                                 yaml: Self.contacts(crm, extraField: "NoSuchField__c"))
            #expect(refused.status == 400, "\(refused.text)")
            let problems = (refused.object["problems"] as? [[String: Any]]) ?? []
            #expect(problems.count == 1, "\(refused.text)")
            #expect((problems.first?["message"] as? String)?.contains("NoSuchField__c") == true, "\(refused.text)")
            #expect(problems.first?["path"] as? String == "entities[0].fields[3].remote", "\(refused.text)")
            #expect(try await control.workflow()["editedVersion"] as? Int == 1, "nothing was saved")

            // The CRM does not answer: saved, with a warning that it was not checked.
            try await stack.admin("PUT", "/admin/faults", json: #"{"unavailableShare": 1}"#)
            let forced = try await control.call("PUT", "/api/workflows/crm-to-campaign/config",
                                                yaml: Self.contacts(crm, extraField: "NoSuchField__c"))
            try await stack.admin("PUT", "/admin/faults", json: "{}")
            #expect(forced.status == 200, "\(forced.text)")
            let warnings = (forced.object["warnings"] as? [String]) ?? []
            #expect(warnings.count == 1 && warnings[0].contains("not checked"), "\(forced.text)")
            #expect(forced.object["version"] as? Int == 2)

            // Start: the reader checks the mapping first, and the workflow fails naming the field.
            try control.startRoles()
            #expect(try await control.call("POST", "/api/workflows/crm-to-campaign/start").status == 202)
            let failed = try await control.waitFor("FAILED naming the field") { item in
                item["status"] as? String == "FAILED" && (item["lastError"] as? String)?.contains("NoSuchField__c") == true
            }
            #expect((failed["statusReason"] as? String)?.contains("NoSuchField__c") == true)
            #expect(try await stack.count("SELECT count(*) FROM profiles") == 0, "nothing read before the check")
            let createdMeanwhile = try await stack.crmAPI.create(Self.object(crm), Self.newContact(crm, "Meanwhile"))

            // The fix, then Start: everything reaches Campaign, also what changed meanwhile.
            let fixed = try await control.call("PUT", "/api/workflows/crm-to-campaign/config", yaml: Self.contacts(crm))
            #expect(fixed.status == 200, "\(fixed.text)")
            #expect(try await control.call("POST", "/api/workflows/crm-to-campaign/start").status == 202)
            try await control.waitFor("RUNNING after the fix") { $0["status"] as? String == "RUNNING" }
            try await eventually("all 21 contacts in profiles", timeout: .seconds(60)) {
                try await stack.count("SELECT count(*) FROM profiles") == 21
            }
            #expect(try await stack.count("SELECT count(*) FROM profiles WHERE crm_id = $1", [createdMeanwhile]) == 1)
            #expect(try await control.workflow()["lastError"] is NSNull)
        }
    }

    @Test(arguments: [CRMKind.dynamics, .salesforce])
    func aCRMThatStopsAnsweringShowsAsAStatusReasonOnTheAPITheCLIAndThePageAndClearsWhenItAnswers(crm: CRMKind) async throws {
        let stack = try await TestStack.start(crm: crm, workflowsYAML: Self.workflows(crm))
        // Noticed after 2 s without an answer; each call given 3 s.
        let text = try String(contentsOfFile: stack.configPath, encoding: .utf8)
        try text.replacingOccurrences(of: "kind: \(crm.rawValue)", with: "kind: \(crm.rawValue)\n    notAnsweringAfter: 2s\n    requestTimeout: 3s")
            .write(toFile: stack.configPath, atomically: true, encoding: .utf8)
        try await stack.seed(Self.object(crm), count: 10)
        try await StackControl.with(stack) { control in
            try control.startRoles()
            #expect(try await control.call("POST", "/api/workflows/crm-to-campaign/start").status == 202)
            try await control.waitFor("RUNNING") { $0["status"] as? String == "RUNNING" }
            try await eventually("the 10 contacts in profiles") { try await stack.count("SELECT count(*) FROM profiles") == 10 }
            #expect(try await control.workflow()["statusReason"] is NSNull, "no reason while the CRM answers")

            // The CRM hangs: every answer takes a minute.
            try await stack.admin("PUT", "/admin/faults", json: #"{"addedLatencyMilliseconds": 60000}"#)
            let hung = try await control.waitFor("the reason to say the CRM is not answering", timeout: .seconds(30)) { item in
                (item["statusReason"] as? String)?.contains("CRM not answering") == true
            }
            #expect(hung["status"] as? String == "RUNNING", "transient: retried, not FAILED")
            let show = try await control.cli.run(["workflows", "show", "crm-to-campaign"])
            #expect(show.stdout.contains("CRM not answering"), "the CLI: \(show.stdout) \(show.stderr)")
            let page = try await control.call("GET", "/")
            #expect(page.text.contains("CRM not answering"), "the page as served")
            let dom = try await Self.chromiumDOM(control.baseURL + "/?token=" + control.token)
            #expect(dom.contains("CRM not answering"), "the page in headless chromium")

            // It answers again: the reason clears by itself, and records flow.
            try await stack.admin("PUT", "/admin/faults", json: "{}")
            try await control.waitFor("the reason to clear", timeout: .seconds(60)) { $0["statusReason"] is NSNull }
            let id = try await stack.crmAPI.create(Self.object(crm), Self.newContact(crm, "After The Hang"))
            try await eventually("the contact created after the hang") {
                try await stack.count("SELECT count(*) FROM profiles WHERE crm_id = $1", [id]) == 1
            }
            #expect(try await control.workflow()["status"] as? String == "RUNNING")
        }
    }

    /// The page's DOM after its script ran, from headless chromium. `make test` installs
    /// chromium (scripts/apt-packages.txt, kind `browser`); without it this check fails
    /// rather than passing unchecked. Chromium is stopped after 60 s, so a stuck browser
    /// fails the test instead of hanging it.
    static func chromiumDOM(_ url: String) async throws -> String {
        let candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        let binary = try #require(
            candidates.first { FileManager.default.isExecutableFile(atPath: $0) },
            "headless chromium is needed to check the page: install it with `WITH_BROWSER=1 scripts/install-deps.sh` (make test does)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--virtual-time-budget=3000", "--dump-dom", url,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let watchdog = Task {
            try await Task.sleep(for: .seconds(60))
            process.terminate()
        }
        defer { watchdog.cancel() }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        ChildProcessExit.wait(for: process)
        return String(decoding: data, as: UTF8.self)
    }
}
