import Foundation
import Testing

/// A crm-to-campaign edit that maps onto opt-in-out's columns of profiles is refused by
/// the API (400, naming the field) and by the CLI, and nothing is saved: the two
/// workflows never fight over `blocklisted`.
@Suite struct OptOutColumnGuardTests {
    static let mapsOntoBlocklisted = """
        entities:
          - name: contact
            fields:
              - { remote: firstname, column: first_name }
              - { remote: donotbulkemail, column: blocklisted }
        """

    @Test func theAPIRefusesAMappingOntoBlocklistedNamingTheField() async throws {
        try await ControlHarness.with { harness in
            let answer = try await harness.call("PUT", "/api/workflows/crm-to-campaign/config", body: Self.mapsOntoBlocklisted)
            #expect(answer.status == 400)
            let problems = try #require(answer.object["problems"] as? [[String: Any]])
            #expect(problems.compactMap { $0["path"] as? String } == ["entities[0].fields[1].column"], "\(problems)")
            #expect((problems.first?["message"] as? String)?.contains("opt-in-out") == true)
            #expect(try await harness.workflow(.crmToCampaign)["editedVersion"] as? Int == 1, "nothing was saved")
        }
    }

    @Test func theCLIRefusesItToo() async throws {
        try await ControlHarness.with { harness in
            let cli = CLIRunner(environment: [
                "CRMBRIDGE_CONTROL_URL": harness.baseURL, "CRMBRIDGE_API_TOKEN": harness.token, "PATH": "/usr/bin:/bin"])
            let file = NSTemporaryDirectory() + "crmbridge-edit-\(UUID().uuidString).yaml"
            try Self.mapsOntoBlocklisted.write(toFile: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: file) }
            let refused = try await cli.run(["workflows", "edit", "crm-to-campaign", "--file", file])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("entities[0].fields[1].column"), "\(refused.stderr)")
            #expect(refused.stderr.contains("opt-in-out"), "\(refused.stderr)")
        }
    }
}
