import Config
import CoreValues
import Foundation
import TestSupport
import Testing
import WorkflowRuntime

/// Issue 16's bad-input catalogue on the data path: every kind of bad message on every
/// topic a writer consumes (40 cases), published among good ones while all seven roles
/// run. Each gets a recorded reject with a code and a message (or, for a hostile value
/// that is valid data, is stored as data), no role dies, the good messages after them
/// arrive, and the writer groups commit everything.
@Suite(.serialized) struct BadMessageCatalogueTests {
    @Test func everyBadMessageOnEveryTopicIsRejectedOrStoredAsDataAndNothingStops() async throws {
        let started = ContinuousClock.now
        var profile = ChaosProfile.short
        profile.contacts = 10
        profile.flipContacts = 10
        let stack = try await ChaosStack.start()
        let data = ChaosData(stack: stack, profile: profile, seed: 16_040)
        try await data.prepare()
        for workflow in WorkflowName.allCases { try await stack.startWorkflow(workflow) }
        let roles = ChaosRoles(stack: stack)
        defer { roles.stop() }
        try roles.start()
        for role in ChaosRole.all { try await roles.waitRunning(role) }

        let catalogue = BadMessage.catalogue
        #expect(catalogue.count >= 40)
        for topic in BadMessage.Topic.allCases {
            try await stack.produce(topic.topicName, catalogue.filter { $0.topic == topic }.map { ($0.key, $0.value) })
        }
        // Good messages after the bad ones, on every topic.
        let ids = data.flipIDs
        let now = DateTimeText(utc: Date()).utcString
        let good: [(BadMessage.Topic, String, [String: Any])] = [
            (.contact, "good-after", ["lastname": "Good", "firstname": "After"]),
            (.emailEvents, "900001", ["event_type": "open", "crm_id": ids[0], "occurred_at": now, "campaign_name": "C",
                                      "delivery_name": "D", "url": NSNull(), "bounce_type": NSNull()]),
            (.fromCRM, ids[2], ["donotbulkemail": !data.initialFlags[ids[2]]!]),
            (.fromCampaign, ids[3], ["blocklisted": !data.initialFlags[ids[3]]!, "blocklisted_at": now]),
        ]
        for (topic, id, fields) in good {
            var envelope = topic.envelope(id: id)
            envelope["fields"] = fields
            envelope["modifiedAt"] = now
            try await stack.produce(topic.topicName, [(id, Array(try JSONSerialization.data(withJSONObject: envelope)))])
        }

        let timeout = Duration.seconds(120)
        try await roles.waitUntil("the good contact after the bad ones", timeout: timeout) {
            try await stack.count("SELECT count(*) FROM profiles WHERE crm_id = 'good-after'") == 1
        }
        try await roles.waitUntil("the good email event after the bad ones", timeout: timeout) {
            try await ChaosEvents.adminCount(stack) == 1
        }
        try await roles.waitUntil("the good opt-out changes after the bad ones", timeout: timeout) {
            let campaign = try await stack.query("SELECT blocklisted FROM profiles WHERE crm_id = $1", [ids[2]])
            let crm = try await ChaosCRM.flags(stack)
            return campaign[0, 0] == (data.initialFlags[ids[2]]! ? "f" : "t") && crm[ids[3]] == !data.initialFlags[ids[3]]!
        }
        for workflow in WorkflowName.allCases {
            try await roles.waitUntil("\(workflow.rawValue)'s writers to commit everything", timeout: timeout) {
                try await ChaosStack.lag(stack, workflow) == 0
            }
        }

        // Each case: its reject (code and message), or the record stored as data.
        let rejects = try await stack.query("SELECT topic, record_id, error_symbol, error_message FROM crmbridge.rejects")
        var outcomes: [String] = []
        for bad in catalogue {
            let reject = rejects.first { $0["record_id"] == bad.key && $0["topic"] == bad.topic.topicName }
            if let reject {
                #expect(!(reject["error_symbol"] ?? "").isEmpty && !(reject["error_message"] ?? "").isEmpty, "\(bad): reject without code or message")
                if let symbol = bad.kind.expectedSymbol {
                    #expect(reject["error_symbol"] == symbol, "\(bad): rejected as \(reject["error_symbol"] ?? "nil"), not \(symbol)")
                }
                outcomes.append("\(bad): reject \(reject["error_symbol"] ?? "")")
                continue
            }
            let stored = bad.topic == .contact
                ? try await stack.count("SELECT count(*) FROM profiles WHERE crm_id = $1", [bad.key]) == 1 : false
            #expect(stored && bad.kind.expectedSymbol == nil, "\(bad): neither rejected nor stored")
            outcomes.append("\(bad): \(stored ? "stored as data" : "LOST")")
        }
        print("bad input outcomes:\n" + outcomes.joined(separator: "\n"))
        #expect(try await stack.count("SELECT count(*) FROM information_schema.tables WHERE table_name = 'profiles'") == 1)
        #expect(roles.exited.isEmpty, "roles died: \(roles.exited)")
        for workflow in WorkflowName.allCases {
            let status = try await stack.status(workflow, roles: workflow.roles)?.status
            #expect(status == .running, "\(workflow.rawValue) is \(status.map { "\($0)" } ?? "unknown")")
        }
        ChaosSecrets.expectNoneIn(roles.allOutput, stack: stack, what: "the roles' output")

        var figures = ChaosFigures(scenario: "bad-messages")
        figures.recordsChecked = catalogue.count
        figures.rejects = rejects.rowCount
        figures.totalSeconds = (ContinuousClock.now - started).seconds
        figures.publish()
    }
}
