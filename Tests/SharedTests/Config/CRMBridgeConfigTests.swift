@testable import Config
import Foundation
@testable import Mapping
import Testing

@Suite struct CRMBridgeConfigTests {
    private static let exampleFile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("crmbridge.yaml").path

    @Test func loadsTheExampleFileAtTheRepositoryRoot() throws {
        let config = try CRMBridgeConfig.load(path: Self.exampleFile, environment: demoEnvironment)
        #expect(config.instance == "demo")
        #expect(config.connections.kafka.bootstrapServers == "127.0.0.1:39092")
        #expect(config.connections.campaign.databaseURL.reveal().hasPrefix("postgresql://"))
        let crm = config.connections.crm
        #expect(crm.kind == .dynamics)
        #expect(crm.url.absoluteString == "http://127.0.0.1:8090/dynamics")
        #expect(crm.tokenURL.absoluteString == "http://127.0.0.1:8090/dynamics/oauth2/v2.0/token")
        #expect(crm.clientID == "demo-client")
        #expect(crm.clientSecret.reveal() == "demo-secret-value")
        #expect(crm.scope == "http://127.0.0.1:8090/dynamics/.default")
        #expect(crm.apiVersion == "9.2")

        let contact = try #require(config.crmToCampaign.entity(named: "contact"))
        #expect(contact.remoteObject == "contacts" && contact.table == "profiles")
        #expect(contact.remoteIdField == "contactid" && contact.lastModifiedField == "modifiedon")
        #expect(contact.idColumn == "crm_id" && contact.modifiedColumn == "crm_modified_at")
        #expect(contact.remoteFields.prefix(3) == ["contactid", "modifiedon", "firstname"])
        #expect(contact.filter == nil)
        #expect(contact.fields.first { $0.remote == "telephone1" }?.applyUpdates == false)
        #expect(contact.fields.first { $0.remote == "birthdate" }?.conversion == .dateOnly)
        #expect(contact.fields.first { $0.remote == "emailaddress1" }?.replacements == [ReplacementRule(from: "", to: nil)])
        #expect(contact.deletes == EntityConfig.Deletes(enabled: true))
        #expect(contact.interval == .seconds(5) && contact.lookBack == .seconds(5) && contact.pageSize == 2000)

        let membership = try #require(config.crmToCampaign.entity(named: "membership"))
        #expect(membership.remoteIdField == "crmb_membershipid" && membership.table == "memberships")
        #expect(membership.deletes.softDeleteColumn == "crm_deleted")
        #expect(membership.interval == .seconds(30))

        #expect(config.campaignToCRM.emailEvents.enabled)
        #expect(config.campaignToCRM.emailEvents.types.enabledTypes == ["send", "open", "click", "bounce"])
        #expect(config.optInOut.mode == .bidirectional)
        #expect(config.optInOut.crmField == "donotbulkemail" && config.optInOut.crmObject == "contacts")
    }

    @Test func secretsNeverShowInDescriptionsOrDumps() throws {
        let config = try CRMBridgeConfig.load(path: Self.exampleFile, environment: demoEnvironment)
        var dumped = ""
        dump(config, to: &dumped)
        for text in [String(describing: config), String(reflecting: config), dumped] {
            #expect(!text.contains("demo-secret-value"))
            #expect(!text.contains("pg-password"))
            #expect(text.contains("***"))
        }
    }

    @Test func salesforceGetsItsOwnDefaults() throws {
        let yaml = configYAML(kind: "salesforce", workflows: """
              crm-to-campaign:
                entities:
                  - name: contact
                    fields: [{ remote: Email, column: email }]
              opt-in-out:
                mode: crm-to-campaign
            """)
        let config = try CRMBridgeConfig.parse(yaml: yaml, environment: demoEnvironment)
        let crm = config.connections.crm
        #expect(crm.tokenURL.absoluteString == "http://127.0.0.1:8090/salesforce/services/oauth2/token")
        #expect(crm.scope == nil && crm.apiVersion == "60.0")
        let contact = try #require(config.crmToCampaign.entities.first)
        #expect(contact.remoteObject == "Contact" && contact.table == "profiles")
        #expect(contact.remoteIdField == "Id" && contact.lastModifiedField == "SystemModstamp")
        #expect(config.optInOut.crmField == "HasOptedOutOfEmail" && config.optInOut.crmIdField == "Id")
        #expect(config.optInOut.mode == .crmToCampaign)
    }

    @Test func reportsEveryProblemAtOnceWithItsPathAndLine() {
        let yaml = configYAML(workflows: """
              crm-to-campaign:
                entities:
                  - name: contact
                    fields: [{ remote: firstname, column: first_name }]
                  - name: account
                    remoteObject: accounts
                    table: crm_accounts
                    fields:
                      - { remote: name, column: name }
                      - { remote: accountnumber, column: number }
                      - { remote: revenue, column: revenue, aplyUpdates: false }
                      - { remote: createdon, column: created, conversion: dateonly }
                    filter: statecode eq 0 and revenue gt 10 or name ne null
                    interval: 30
              opt-in-out:
                mode: both
            """)
        let found = problems(yaml)
        let descriptions = found.map(\.description)
        #expect(found.count == 5, "\(descriptions)")
        #expect(found.contains(ConfigProblem(
            path: "workflows.crm-to-campaign.entities[1].fields[3].conversion", line: 19,
            message: #"unknown conversion "dateonly" (expected default, dateOnly, withoutTimeOffset, copy)"#)))
        #expect(found.contains(ConfigProblem(
            path: "workflows.crm-to-campaign.entities[1].fields[2].aplyUpdates", line: 18,
            message: #"unknown key "aplyUpdates"; did you mean "applyUpdates"?"#)))
        #expect(descriptions.contains { $0.hasPrefix("line 20: workflows.crm-to-campaign.entities[1].filter: "
            + "breaks rule mixed-operators:") })
        #expect(descriptions.contains { $0.hasPrefix("line 21: workflows.crm-to-campaign.entities[1].interval: "
            + #""30" is not a duration"#) })
        #expect(found.contains(ConfigProblem(
            path: "workflows.opt-in-out.mode", line: 23,
            message: #"unknown mode "both" (expected disabled, crm-to-campaign, campaign-to-crm, bidirectional)"#)))
    }

    @Test func unknownTopLevelAndConnectionKeysAreErrors() {
        let yaml = """
            instance: test
            conections: {}
            connections:
              campaign: {}
              kafka: { bootstrapServer: "x:1" }
              crm: { kind: dynamics }
            """
        let found = problems(yaml).map(\.description)
        #expect(found.contains(#"line 2: conections: unknown key "conections"; did you mean "connections"?"#))
        #expect(found.contains(#"line 5: connections.kafka.bootstrapServer: unknown key "bootstrapServer"; did you mean "bootstrapServers"?"#))
    }

    @Test func missingEnvironmentVariablesAreNamedWithoutValues() {
        var environment = demoEnvironment
        environment["DYNAMICS_CLIENT_SECRET"] = nil
        environment["KAFKA_BOOTSTRAP_SERVERS"] = nil
        let found = problems(configYAML(), environment: environment)
        #expect(found.map(\.path) == ["connections.kafka.bootstrapServersEnv", "connections.crm.clientSecretEnv"])
        #expect(found.last?.message == "environment variable DYNAMICS_CLIENT_SECRET is not set "
            + "(set it, or name another variable with clientSecretEnv)")
        #expect(found.allSatisfy { !$0.description.contains("demo-") })
    }

    @Test func secretsWrittenInTheFileAreRefused() {
        let yaml = """
            instance: test
            connections:
              campaign: {}
              kafka:
                properties: { sasl.password: hunter2, security.protocol: SASL_SSL }
              crm: { kind: dynamics, clientSecret: hunter2 }
            """
        let found = problems(yaml)
        #expect(found.map(\.path) == ["connections.kafka.properties.sasl.password", "connections.crm.clientSecret"])
        #expect(found.allSatisfy { !$0.description.contains("hunter2") })
    }

    @Test func secretKafkaPropertiesComeFromTheEnvironment() throws {
        let yaml = """
            instance: test
            connections:
              campaign: {}
              kafka:
                properties: { security.protocol: SASL_SSL }
                secretPropertiesEnv: { sasl.password: KAFKA_SASL_PASSWORD }
              crm: { kind: dynamics }
            """
        var environment = demoEnvironment
        environment["KAFKA_SASL_PASSWORD"] = "sasl-secret"
        let kafka = try CRMBridgeConfig.parse(yaml: yaml, environment: environment).connections.kafka
        #expect(kafka.properties == ["security.protocol": "SASL_SSL"])
        #expect(kafka.secretProperties["sasl.password"]?.reveal() == "sasl-secret")
        #expect(!String(describing: kafka).contains("sasl-secret"))
    }

    @Test func yamlSyntaxErrorsAndDuplicateKeysGiveTheLine() {
        let broken = problems("instance: test\nconnections:\n  campaign: {\n  kafka: x\n")
        #expect(broken.count == 1)
        #expect(broken.first?.line != nil)
        #expect(broken.first?.message.hasPrefix("not valid YAML") == true)
        let duplicate = problems("instance: a\ninstance: b\n")
        #expect(duplicate.first?.message.contains("duplicate key \"instance\"") == true)
        #expect(duplicate.first?.line != nil)
        #expect(problems("").first?.message.hasPrefix("the configuration is empty") == true)
        #expect(problems("- a\n- b\n").first?.message == "expected a mapping (key: value lines), found a list")
    }

    @Test func aMissingFileIsAClearError() {
        do {
            _ = try CRMBridgeConfig.load(path: "/nonexistent/crmbridge.yaml", environment: demoEnvironment)
            Issue.record("a missing file loaded")
        } catch {
            #expect(error.description.contains("/nonexistent/crmbridge.yaml does not exist"))
        }
    }

    @Test func eachWorkflowSectionRoundTripsThroughItsOwnYAML() throws {
        let config = try CRMBridgeConfig.load(path: Self.exampleFile, environment: demoEnvironment)
        for name in WorkflowName.allCases {
            let text = try #require(config.workflowYAML[name])
            let alone = try WorkflowConfig.parse(yaml: text, workflow: name, crm: .dynamics)
            #expect(alone == config.workflow(name))
        }
        var edited = config
        let optOut = try WorkflowConfig.parse(yaml: "mode: disabled\n", workflow: .optInOut, crm: .dynamics)
        edited.apply(optOut, yaml: "mode: disabled\n")
        #expect(edited.optInOut.mode == .disabled && edited.workflowYAML[.optInOut] == "mode: disabled\n")
    }
}
