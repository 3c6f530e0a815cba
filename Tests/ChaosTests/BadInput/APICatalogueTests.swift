import Config
import Foundation
import TestSupport
import Testing
import WorkflowRuntime

/// Issue 16's bad-input catalogue on the control API (its own process): bad bodies and
/// parameters, a configuration key given a wrong value for each kind of key, injection in
/// identifiers, and LASTIMPORT options in the wrong format. Each answers 4xx with a JSON
/// error that says what is wrong, stores nothing, leaks no secret, and the service lives on.
@Suite(.serialized) struct APICatalogueTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var method: String
        var path: String
        var body: String?
        var contentType = "application/json"
        var status: Int
        /// A word the error must contain (what is wrong, named).
        var mentions: String?

        var description: String { name }
    }

    static let contactYAML = """
        entities:
          - name: contact
            remoteObject: contacts
            table: profiles
            fields:
              - { remote: lastname, column: last_name }
        """

    /// The contact workflow section with `line` replacing the table line (a wrong value).
    static func config(_ change: (String) -> String) -> String {
        let yaml = "# a wrong value\n" + change(contactYAML)
        return String(decoding: try! JSONSerialization.data(withJSONObject: ["config": yaml]), as: UTF8.self)
    }

    static let option = "/api/options/LASTIMPORT_test_crm-to-campaign_contact"
    static let workflows = "/api/workflows"

    static let cases: [Case] = [
        Case(name: "config body not JSON", method: "PUT", path: "\(workflows)/crm-to-campaign/config", body: "{not json", status: 400),
        Case(name: "config not YAML", method: "PUT", path: "\(workflows)/crm-to-campaign/config", body: "entities: [unclosed", contentType: "application/yaml", status: 400),
        Case(name: "pageSize negative", method: "PUT", path: "\(workflows)/crm-to-campaign/config",
             body: config { $0.replacingOccurrences(of: "table: profiles", with: "table: profiles\n    pageSize: -5") }, status: 400, mentions: "pageSize"),
        Case(name: "interval not a duration", method: "PUT", path: "\(workflows)/crm-to-campaign/config",
             body: config { $0.replacingOccurrences(of: "table: profiles", with: "table: profiles\n    interval: soon") }, status: 400, mentions: "interval"),
        Case(name: "lookBack not a duration", method: "PUT", path: "\(workflows)/crm-to-campaign/config",
             body: config { $0.replacingOccurrences(of: "table: profiles", with: "table: profiles\n    lookBack: -3") }, status: 400, mentions: "lookBack"),
        Case(name: "unknown conversion", method: "PUT", path: "\(workflows)/crm-to-campaign/config",
             body: config { $0.replacingOccurrences(of: "column: last_name", with: "column: last_name, conversion: sideways") }, status: 400, mentions: "conversion"),
        Case(name: "table name injection", method: "PUT", path: "\(workflows)/crm-to-campaign/config",
             body: config { $0.replacingOccurrences(of: "table: profiles", with: "table: profiles; DROP TABLE profiles") }, status: 400, mentions: "table"),
        Case(name: "column name injection", method: "PUT", path: "\(workflows)/crm-to-campaign/config",
             body: config { $0.replacingOccurrences(of: "column: last_name", with: "column: \"last_name = '' --\"") }, status: 400, mentions: "column"),
        Case(name: "remote field injection", method: "PUT", path: "\(workflows)/crm-to-campaign/config",
             body: config { $0.replacingOccurrences(of: "remote: lastname", with: "remote: \"lastname,(select 1)\"") }, status: 400),
        Case(name: "unknown key", method: "PUT", path: "\(workflows)/crm-to-campaign/config",
             body: config { $0.replacingOccurrences(of: "table: profiles", with: "table: profiles\n    colour: blue") }, status: 400, mentions: "colour"),
        Case(name: "filter with AND NOT", method: "PUT", path: "\(workflows)/crm-to-campaign/config",
             body: config { $0.replacingOccurrences(of: "table: profiles", with: "table: profiles\n    filter: \"statecode eq 0 and not emailaddress1 eq null\"") }, status: 400, mentions: "and-not"),
        Case(name: "filter OData injection", method: "PUT", path: "\(workflows)/crm-to-campaign/config",
             body: config { $0.replacingOccurrences(of: "table: profiles", with: "table: profiles\n    filter: \"lastname eq 'a') or (1 eq 1\"") }, status: 400, mentions: "filter"),
        Case(name: "opt-out mode unknown", method: "PUT", path: "\(workflows)/opt-in-out/config", body: #"{"config": "mode: sideways\n"}"#, status: 400, mentions: "mode"),
        Case(name: "email events batchSize too big", method: "PUT", path: "\(workflows)/campaign-to-crm/config",
             body: #"{"config": "emailEvents:\n  enabled: true\n  batchSize: 5000\n"}"#, status: 400, mentions: "batchSize"),
        Case(name: "email events enabled not a boolean", method: "PUT", path: "\(workflows)/campaign-to-crm/config",
             body: #"{"config": "emailEvents:\n  enabled: perhaps\n"}"#, status: 400, mentions: "enabled"),
        Case(name: "unknown workflow", method: "POST", path: "\(workflows)/nope/start", status: 404),
        Case(name: "unknown endpoint", method: "GET", path: "/api/nothing-here", status: 404),
        Case(name: "replay body not JSON", method: "POST", path: "\(workflows)/crm-to-campaign/replay", body: "replay please", status: 400),
        Case(name: "replay without entity", method: "POST", path: "\(workflows)/crm-to-campaign/replay", body: #"{"from": "earliest"}"#, status: 400, mentions: "entity"),
        Case(name: "replay from a bad time", method: "POST", path: "\(workflows)/crm-to-campaign/replay", body: #"{"entity": "contact", "from": "yesterday"}"#, status: 400),
        Case(name: "replay of an unknown entity", method: "POST", path: "\(workflows)/crm-to-campaign/replay", body: #"{"entity": "spaceship", "from": "earliest"}"#, status: 400, mentions: "spaceship"),
        Case(name: "LASTIMPORT date only", method: "PUT", path: option, body: #"{"value": "2026-01-02"}"#, status: 400, mentions: "HH:mm:ss"),
        Case(name: "LASTIMPORT ISO format", method: "PUT", path: option, body: #"{"value": "2026-01-02T03:04:05Z"}"#, status: 400, mentions: "HH:mm:ss"),
        Case(name: "LASTIMPORT month 13", method: "PUT", path: option, body: #"{"value": "2026/13/01 00:00:00"}"#, status: 400),
        Case(name: "LASTIMPORT hour 25", method: "PUT", path: option, body: #"{"value": "2026/01/01 25:00:00"}"#, status: 400),
        Case(name: "LASTIMPORT injection", method: "PUT", path: option, body: #"{"value": "2026/01/01 00:00:00'; DROP TABLE crmbridge.options; --"}"#, status: 400),
        Case(name: "LASTIMPORT number", method: "PUT", path: option, body: #"{"value": 20260101}"#, status: 400),
        Case(name: "option body not JSON", method: "PUT", path: option, body: "2026/01/01 00:00:00", contentType: "text/plain", status: 400),
    ]

    @Test func everyBadCallAnswersAClearErrorStoresNothingAndTheServiceLivesOn() async throws {
        let started = ContinuousClock.now
        let stack = try await ChaosStack.start()
        for workflow in WorkflowName.allCases {
            try await stack.withDatabase { database in
                try await WorkflowStore(database: database).ensure(workflow, initialConfig: try stack.config().workflowYAML[workflow] ?? "{}")
            }
        }
        let control = try await ControlProcess(stack: stack)
        defer { control.stop() }
        let versions = try await stack.query("SELECT name, edited_version::text AS v FROM crmbridge.workflows ORDER BY name").map { $0["v"] ?? "" }
        var answers = ""
        for item in Self.cases {
            let response = try await control.call(item.method, item.path, body: item.body, contentType: item.contentType)
            answers += response.bodyText + "\n"
            #expect(response.status == item.status, "\(item): answered \(response.status) \(response.bodyText.prefix(300))")
            let error = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
            #expect(error?["error"] != nil || error?["errors"] != nil, "\(item): no JSON error in \(response.bodyText.prefix(300))")
            if let word = item.mentions {
                #expect(response.bodyText.contains(word), "\(item): the error does not name \(word): \(response.bodyText.prefix(300))")
            }
            #expect(control.process.isRunning, "\(item) stopped the control service")
        }
        let after = try await stack.query("SELECT name, edited_version::text AS v FROM crmbridge.workflows ORDER BY name").map { $0["v"] ?? "" }
        #expect(after == versions, "a refused configuration was stored")
        #expect(try await stack.option("LASTIMPORT_test_crm-to-campaign_contact") == nil, "a refused option was stored")
        #expect(try await control.call("GET", "/healthz", token: nil).status == 200)
        ChaosSecrets.expectNoneIn(answers + control.process.log, stack: stack, what: "the API's answers and log")

        var figures = ChaosFigures(scenario: "bad-api-calls")
        figures.recordsChecked = Self.cases.count
        figures.totalSeconds = (ContinuousClock.now - started).seconds
        figures.publish()
    }
}
