@testable import ControlService
import Foundation
import TestSupport
import Testing
import WorkflowRuntime

/// The built `crmbridge` binary against a running control service.
@Suite("crmbridge CLI")
struct CLITests {
    func cli(_ harness: ControlHarness) -> CLIRunner {
        CLIRunner(environment: ["CRMBRIDGE_CONTROL_URL": harness.baseURL, "CRMBRIDGE_API_TOKEN": harness.token, "PATH": "/usr/bin:/bin"])
    }

    @Test func startingOptInOutNowThatItsRolesAreBuiltAnswersStarting() async throws {
        try await ControlHarness.with { harness in
            let start = try await cli(harness).run(["workflows", "start", "opt-in-out", "--json"])
            #expect(start.status == 0, "\(start.stderr)")
            #expect((try start.json() as? [String: Any])?["status"] as? String == "STARTING")
        }
    }

    @Test func everyListingPrintsValidJSONWithJSON() async throws {
        try await ControlHarness.with { harness in
            let cli = cli(harness)
            let list = try await cli.run(["workflows", "list", "--json"])
            #expect(list.status == 0, "\(list.stderr)")
            let items = try #require(try list.json() as? [[String: Any]])
            #expect(items.map { $0["name"] as? String } == ["crm-to-campaign", "campaign-to-crm", "opt-in-out"])
            #expect(items.allSatisfy { $0["backlog"] is Int && $0["status"] is String })

            let show = try await cli.run(["workflows", "show", "opt-in-out", "--json"])
            #expect((try show.json() as? [String: Any])?["name"] as? String == "opt-in-out")

            let start = try await cli.run(["workflows", "start", "crm-to-campaign", "--json"])
            #expect(start.status == 0)
            #expect((try start.json() as? [String: Any])?["status"] as? String == "STARTING")
            let stop = try await cli.run(["workflows", "stop", "crm-to-campaign", "--json"])
            #expect((try stop.json() as? [String: Any])?["status"] as? String == "STOPPED")

            _ = try await OptionStore(database: harness.roleDatabase).set("LASTIMPORT_test_crm-to-campaign_contact", "2026/01/02 03:04:05")
            let options = try await cli.run(["options", "get", "--json"])
            #expect((try options.json() as? [[String: Any]])?.first?["value"] as? String == "2026/01/02 03:04:05")
            let set = try await cli.run(["options", "set", "LASTIMPORT_test_crm-to-campaign_contact", "2026/02/03 04:05:06", "--json"])
            #expect(set.status == 0, "\(set.stderr)")
            #expect((try set.json() as? [String: Any])?["value"] as? String == "2026/02/03 04:05:06")

            try await RejectStore(database: harness.roleDatabase).record([
                .init(workflow: .campaignToCRM, entity: "email-events", recordID: "9", errorSymbol: "REQUIRED_FIELD_MISSING", errorMessage: "Subject"),
            ])
            let rejects = try await cli.run(["rejects", "list", "--json", "--workflow", "campaign-to-crm"])
            #expect((try rejects.json() as? [[String: Any]])?.first?["code"] as? String == "REQUIRED_FIELD_MISSING")

            let history = try await cli.run(["workflows", "list"])
            #expect(history.status == 0)
            #expect(history.stdout.contains("crm-to-campaign") && history.stdout.contains("BACKLOG"))
        }
    }

    @Test func badFlagsAndUnknownWorkflowsGiveOneLineAndANonZeroExit() async throws {
        try await ControlHarness.with { harness in
            let cli = cli(harness)
            let cases: [([String], String)] = [
                (["workflows", "list", "--frobnicate"], "--frobnicate"),
                (["workflows", "show", "crm2campaign"], "unknown workflow \"crm2campaign\""),
                (["workflows", "start", "nope"], "unknown workflow \"nope\""),
                (["replay", "nope", "--entity", "contact", "--from", "earliest"], "unknown workflow"),
                (["replay", "crm-to-campaign", "--entity", "contact"], "--from"),
                (["replay", "crm-to-campaign", "--entity", "contact", "--from", "yesterday"], "RFC 3339"),
                (["options", "set", "LASTIMPORT_test_crm-to-campaign_contact", "2026-01-01"], "yyyy/MM/dd HH:mm:ss"),
                (["rejects", "list", "--limit", "0"], "--limit"),
                (["nonsense"], "nonsense"),
            ]
            for (arguments, mention) in cases {
                let result = try await cli.run(arguments)
                #expect(result.status != 0, "\(arguments)")
                #expect(result.stdout.isEmpty, "\(arguments): \(result.stdout)")
                #expect(result.stderrLines.count == 1, "\(arguments): \(result.stderr)")
                #expect(result.stderr.contains(mention), "\(arguments): \(result.stderr)")
            }
        }
    }

    @Test func serviceErrorsAreOneLineToo() async throws {
        try await ControlHarness.with { harness in
            let cli = cli(harness)
            _ = try await harness.call("POST", "/api/workflows/crm-to-campaign/start")
            let replay = try await cli.run(["replay", "crm-to-campaign", "--entity", "contact", "--from", "earliest"])
            #expect(replay.status == 1)
            #expect(replay.stderrLines == ["crmbridge: crm-to-campaign is STARTING: stop it before a replay"])

            let wrongToken = CLIRunner(environment: ["CRMBRIDGE_CONTROL_URL": harness.baseURL, "CRMBRIDGE_API_TOKEN": "wrong"])
            let refused = try await wrongToken.run(["workflows", "list"])
            #expect(refused.status == 1)
            #expect(refused.stderrLines.count == 1)
            #expect(refused.stderr.contains("refused the API token"))
            #expect(!refused.stderr.contains(harness.token))
        }
    }

    @Test func editFromAFileSavesAVersionAndStopWarnsAboutIt() async throws {
        try await ControlHarness.with { harness in
            let cli = cli(harness)
            _ = try await harness.call("POST", "/api/workflows/crm-to-campaign/start")
            let good = NSTemporaryDirectory() + "crmbridge-edit-\(UUID().uuidString).yaml"
            try ControlFixtures.crmToCampaign(entities: ["contact", "membership"]).write(toFile: good, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: good) }
            let edit = try await cli.run(["workflows", "edit", "crm-to-campaign", "--file", good])
            #expect(edit.status == 0, "\(edit.stderr)")
            #expect(edit.stdout.contains("version 2"))

            let bad = NSTemporaryDirectory() + "crmbridge-edit-\(UUID().uuidString).yaml"
            try ControlFixtures.invalidCRMToCampaign.write(toFile: bad, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: bad) }
            let refused = try await cli.run(["workflows", "edit", "crm-to-campaign", "--file", bad])
            #expect(refused.status == 1)
            #expect(refused.stderrLines.count >= 4, "every problem, then the message: \(refused.stderr)")
            #expect(refused.stderrLines.last?.contains("nothing was saved") == true)

            let stop = try await cli.run(["workflows", "stop", "crm-to-campaign"])
            #expect(stop.status == 0)
            #expect(stop.stderr.hasPrefix("warning: crm-to-campaign has saved edits (version 2)"))
        }
    }

    @Test func theTokenAndURLComeFromStackEnvWhenTheEnvironmentHasNone() async throws {
        try await ControlHarness.with { harness in
            let directory = NSTemporaryDirectory() + "crmbridge-stack-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: directory + "/.crmbridge/sub", withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try "CRMBRIDGE_CONTROL_URL=\(harness.baseURL)\nCRMBRIDGE_API_TOKEN=\(harness.token)\n"
                .write(toFile: directory + "/.crmbridge/stack.env", atomically: true, encoding: .utf8)
            let nested = CLIRunner(environment: [:], directory: directory + "/.crmbridge/sub")
            let result = try await nested.run(["workflows", "list", "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect((try result.json() as? [Any])?.count == 3)
        }
    }

    @Test func watchDrawsTheDrainAndEndsWhenTheBacklogIsZero() async throws {
        try await ControlHarness.with { harness in
            let cli = cli(harness)
            _ = try await harness.call("POST", "/api/workflows/crm-to-campaign/start")
            try await harness.beat(.crmToCampaign, "reader", .running, version: 1)
            try await harness.beat(.crmToCampaign, "writer", .running, version: 1)
            let watch = try await cli.run(["workflows", "watch", "crm-to-campaign", "--timeout", "30", "--json"])
            #expect(watch.status == 0, "\(watch.stderr)")
            #expect(watch.stderr.contains("backlog drained"))
            #expect(watch.stderr.contains("[##############################] 100%"))
            #expect((try watch.json() as? [String: Any])?["status"] as? String == "RUNNING")
        }
    }
}
