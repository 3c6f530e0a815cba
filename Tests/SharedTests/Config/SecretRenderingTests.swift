@testable import CRMConnectors
import Config
import CoreValues
import Foundation
import HTTPBridge
@testable import KafkaBridge
import Logging
import PostgresBridge
import TestSupport
import Testing
import WorkflowRuntime

/// Every configuration type that holds a secret, rendered every way a value reaches a log,
/// an error or an answer: no secret value appears in any of them.
@Suite("Secrets never show in renderings, errors or logs")
struct SecretRenderingTests {
    static let databasePassword = "pgPa55w0rd-7f3a"
    static let saslPassword = "saslS3cret-9b1c"
    static let crmSecret = "crmS3cret-4d2e"
    static let secrets = [databasePassword, saslPassword, crmSecret]

    /// `make run`'s variables, with a password in the database URL and a SASL password.
    static let environment = [
        "CAMPAIGN_DATABASE_URL": "postgresql://crmbridge:\(databasePassword)@127.0.0.1:1/campaign",
        "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1",
        "KAFKA_SASL_PASSWORD": saslPassword,
        "DYNAMICS_URL": "http://127.0.0.1:1/dynamics",
        "DYNAMICS_TOKEN_URL": "http://127.0.0.1:1/dynamics/oauth2/v2.0/token",
        "DYNAMICS_CLIENT_ID": "demo-client",
        "DYNAMICS_CLIENT_SECRET": crmSecret,
        "SALESFORCE_URL": "http://127.0.0.1:1/salesforce",
        "SALESFORCE_CLIENT_ID": "sf-client",
        "SALESFORCE_CLIENT_SECRET": crmSecret,
    ]

    static func yaml(crm: String) -> String {
        """
        instance: test
        connections:
          campaign: {}
          kafka:
            properties: { security.protocol: SASL_PLAINTEXT, sasl.mechanisms: PLAIN, sasl.username: bridge }
            secretPropertiesEnv: { sasl.password: KAFKA_SASL_PASSWORD }
          crm: { kind: \(crm) }
        """
    }

    static func config(crm: String = "dynamics") throws -> CRMBridgeConfig {
        try CRMBridgeConfig.parse(yaml: yaml(crm: crm), environment: environment)
    }

    @Test func theCheckItselfFindsASecretThatIsThere() {
        let leaky: [String: String] = ["sasl.password": Self.saslPassword]
        #expect(!leaks(in: renderings(of: leaky)).isEmpty)
        #expect(!leaks(in: renderings(of: Secret(Self.saslPassword).reveal())).isEmpty)
    }

    @Test func aSecretIsNeverEncodableSoNoConfigHoldingOneEncodesItByAccident() {
        let secret: Any = Secret(Self.crmSecret)
        #expect(!(secret is any Encodable))
        #expect(leaks(in: renderings(of: secret)).isEmpty)
    }

    @Test func theLoadedConfigurationAndItsConnections() throws {
        for crm in ["dynamics", "salesforce"] {
            let config = try Self.config(crm: crm)
            // The secrets were read: a check that finds nothing proves something.
            #expect(config.connections.campaign.databaseURL.reveal().contains(Self.databasePassword))
            #expect(config.connections.kafka.secretProperties["sasl.password"]?.reveal() == Self.saslPassword)
            #expect(config.connections.crm.clientSecret.reveal() == Self.crmSecret)
            let values: [String: Any] = [
                "CRMBridgeConfig": config,
                "ConnectionsConfig": config.connections,
                "CampaignConnection": config.connections.campaign,
                "KafkaConnection": config.connections.kafka,
                "CRMConnection": config.connections.crm,
                "databaseURL": config.connections.campaign.databaseURL,
                "clientSecret": config.connections.crm.clientSecret,
                "secretProperties": config.connections.kafka.secretProperties,
            ]
            for (name, value) in values {
                #expect(leaks(in: renderings(of: value)).isEmpty, "\(crm) \(name)")
            }
        }
    }

    @Test func theKafkaConfigurationKeepsTheSASLPasswordSecretToLibrdkafka() throws {
        let connections = try Self.config().connections
        let configuration = connections.kafkaConfiguration(clientID: "test", environment: [:])
        #expect(configuration.additional["sasl.password"] == nil)
        #expect(configuration.secretProperties["sasl.password"]?.reveal() == Self.saslPassword)
        #expect(leaks(in: renderings(of: configuration)).isEmpty)
        for role in [KafkaClientRole.producer, .groupConsumer(groupID: "g"), .admin(autoCreateTopics: false)] {
            #expect(leaks(in: renderings(of: configuration.librdkafkaProperties(for: role))).isEmpty, "\(role)")
        }
    }

    @Test func librdkafkaGetsTheSASLPasswordAndNeverLogsIt() async throws {
        var configuration = try Self.config().connections.kafkaConfiguration(clientID: "test", environment: [:])
        configuration.messageTimeout = .seconds(1)
        // librdkafka's own dump of the client configuration, at debug level.
        configuration.additional["debug"] = "conf,security,broker"
        let recorder = LogRecorder()
        let producer = try KafkaProducer(configuration: configuration, logger: recorder.logger("kafka"))
        await #expect(throws: KafkaError.self) {
            try await producer.send(KafkaRecord(topic: "secrets", key: nil, value: [1]))
        }
        await producer.close(timeout: .seconds(1))
        #expect(recorder.text.contains("sasl.password"), "librdkafka dumped its configuration, the password's key included")
        #expect(leaks(in: ["logs": recorder.text]).isEmpty)
    }

    @Test func aRejectedSecretKafkaPropertyIsNamedNotQuoted() throws {
        var configuration = KafkaConfiguration(bootstrapServers: "127.0.0.1:1")
        configuration.secretProperties["socket.timeout.ms"] = Secret(Self.saslPassword)
        let recorder = LogRecorder()
        let error = #expect(throws: KafkaError.self) {
            try KafkaConsumer(configuration: configuration, groupID: "g", logger: recorder.logger("kafka"))
        }
        #expect(error?.description.contains("socket.timeout.ms") == true)
        #expect(leaks(in: renderings(of: error as Any)).isEmpty)
        #expect(leaks(in: ["logs": recorder.text]).isEmpty)
    }

    @Test func theCRMCredentialsAndConfigurations() throws {
        let dynamics = try Self.config(crm: "dynamics").connections.crm.dynamicsConfiguration()
        let salesforce = try Self.config(crm: "salesforce").connections.crm.salesforceConfiguration()
        #expect(dynamics.credentials.clientSecret.reveal() == Self.crmSecret)
        #expect(salesforce.credentials.clientSecret.reveal() == Self.crmSecret)
        let http = HTTPClient()
        defer { http.shutdown() }
        let values: [String: Any] = [
            "DynamicsConfiguration": dynamics, "SalesforceConfiguration": salesforce,
            "CRMCredentials": dynamics.credentials, "Salesforce CRMCredentials": salesforce.credentials,
            "DynamicsConnector": DynamicsConnector(configuration: dynamics, http: http, logger: LogRecorder().logger("crm")),
            "SalesforceConnector": SalesforceConnector(configuration: salesforce, http: http, logger: LogRecorder().logger("crm")),
        ]
        for (name, value) in values {
            #expect(leaks(in: renderings(of: value)).isEmpty, "\(name)")
        }
    }

    @Test func theTokenRequestCarriesTheClientSecretInItsBodyOnly() throws {
        let connection = try Self.config(crm: "dynamics").connections.crm
        for credentials in [connection.dynamicsConfiguration().credentials, connection.salesforceConfiguration().credentials] {
            let request = credentials.tokenRequest()
            // The secret is where the CRM reads it: a check that finds nothing proves something.
            #expect(String(decoding: request.body ?? [], as: UTF8.self).contains("client_secret=\(Self.crmSecret)"))
            let values: [String: Any] = ["token request": request, "CRMCredentials": credentials, "headers": request.headers]
            for (name, value) in values {
                #expect(leaks(in: renderings(of: value)).isEmpty, "\(name)")
            }
        }
    }

    /// The provider (an actor: `dump` lists what it stores), the CRM's refusal of the
    /// secret, an unreachable token endpoint, and what was logged meanwhile.
    @Test func aRefusedOrUnreachableTokenRequestShowsTheSecretNowhere() async throws {
        let emulator = try await TestEmulator.start(seed: 0)
        defer { emulator.stop() }
        let http = HTTPClient()
        defer { http.shutdown() }
        let recorder = LogRecorder()
        let logger = recorder.logger("crm")
        let retry = CRMRetryPolicy(maxAttempts: 2, initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(10))
        // The emulator knows the demo secret only, so it refuses this one.
        let secret = Secret(Self.crmSecret)
        let providers: [(String, OAuthTokenProvider)] = [
            ("dynamics", DynamicsConnector(configuration: DynamicsConfiguration(
                organizationURL: emulator.baseURL, tokenURL: emulator.baseURL + "/tenant/oauth2/v2.0/token",
                clientID: "crmbridge-demo", clientSecret: secret, retry: retry), http: http, logger: logger).tokens),
            ("salesforce", SalesforceConnector(configuration: SalesforceConfiguration(
                instanceURL: emulator.baseURL, clientID: "crmbridge-demo", clientSecret: secret, retry: retry),
                http: http, logger: logger).tokens),
            ("unreachable", DynamicsConnector(configuration: DynamicsConfiguration(
                organizationURL: "http://127.0.0.1:1", tokenURL: "http://127.0.0.1:1/tenant/oauth2/v2.0/token",
                clientID: "crmbridge-demo", clientSecret: secret, retry: retry), http: http, logger: logger).tokens),
        ]
        for (name, tokens) in providers {
            #expect(leaks(in: renderings(of: tokens)).isEmpty, "\(name) provider")
            let error = await #expect(throws: CRMError.self, "\(name)") { try await tokens.token() }
            let expected: CRMError.Code = name == "unreachable" ? .transport : .authentication
            #expect(error?.code == expected, "\(name): \(String(describing: error))")
            #expect(leaks(in: renderings(of: error as Any)).isEmpty, "\(name) error")
            #expect(leaks(in: renderings(of: tokens)).isEmpty, "\(name) provider after the failure")
        }
        #expect(recorder.text.contains("will be retried"), "the unreachable endpoint's retry was logged")
        #expect(leaks(in: ["logs": recorder.text]).isEmpty)
    }

    @Test func thePostgresConfigurationAndAFailedConnection() async throws {
        let url = try Self.config().connections.campaign.databaseURL
        let configuration = PostgresConfiguration(
            url: url, connectTimeout: .seconds(2),
            reconnect: .init(maxAttempts: 2, initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(10)))
        #expect(leaks(in: renderings(of: configuration)).isEmpty)

        let recorder = LogRecorder()
        let error = await #expect(throws: PostgresError.self) {
            try await PostgresConnection.connect(configuration: configuration, logger: recorder.logger("postgres"))
        }
        #expect(error?.code == .connection)
        #expect(leaks(in: renderings(of: error as Any)).isEmpty)
        #expect(recorder.text.contains("retrying"), "the failed first attempt was logged")
        #expect(leaks(in: ["logs": recorder.text]).isEmpty)
    }

    /// libpq quotes the connection string, or the offending part of it, in these errors.
    @Test(arguments: [
        "postgresql://crmbridge:\(databasePassword)%zz@127.0.0.1:1/campaign",
        "postgresql://crmbridge:\(databasePassword)@[::1/campaign",
        "postgresql://crmbridge:\(databasePassword)@127.0.0.1:notaport/campaign",
        "postgresql://127.0.0.1:1/campaign?password=\(databasePassword)&bogus=1",
        "host=127.0.0.1 port=x password='\(databasePassword)'",
        "host=127.0.0.1 password=\(databasePassword) port=x",
    ])
    func malformedDatabaseURLsFailWithoutQuotingThePassword(url: String) async throws {
        let configuration = PostgresConfiguration(url: Secret(url), reconnect: .init(maxAttempts: 1))
        let error = await #expect(throws: PostgresError.self) {
            try await PostgresConnection.connect(configuration: configuration, logger: LogRecorder().logger("postgres"))
        }
        #expect(error != nil)
        #expect(leaks(in: renderings(of: error as Any)).isEmpty, "\(String(describing: error))")
    }

    @Test func aConfigErrorNamesTheSecretItRefusesWithoutShowingIt() {
        let yaml = Self.yaml(crm: "dynamics").replacingOccurrences(
            of: "crm: { kind: dynamics }", with: "crm: { kind: dynamics, clientSecret: \(Self.crmSecret) }")
        let error = #expect(throws: ConfigError.self) {
            try CRMBridgeConfig.parse(yaml: yaml, environment: Self.environment)
        }
        #expect(error?.description.contains("clientSecret") == true)
        #expect(leaks(in: renderings(of: error as Any)).isEmpty)
    }

    @Test func aFailedHTTPRequestDoesNotShowTheURLsPasswordOrQuery() async throws {
        let client = HTTPClient()
        defer { client.shutdown() }
        let request = HTTPRequest(
            url: "http://user:\(Self.crmSecret)@127.0.0.1:1/token?client_secret=\(Self.crmSecret)")
        let error = await #expect(throws: HTTPError.self) { try await client.execute(request) }
        #expect(error?.code == .connectionRefused)
        #expect(leaks(in: renderings(of: error as Any)).isEmpty)
        #expect(leaks(in: renderings(of: request)).isEmpty)
    }

    // MARK: Rendering

    /// `value` as `description`, `debugDescription`, interpolation, `dump`, and JSON when
    /// it is encodable.
    private func renderings(of value: Any) -> [String: String] {
        var dumped = ""
        dump(value, to: &dumped)
        var result = [
            "description": String(describing: value),
            "debugDescription": String(reflecting: value),
            "interpolation": "\(value)",
            "dump": dumped,
        ]
        if let error = value as? any Error {
            result["localizedDescription"] = error.localizedDescription
        }
        if let encodable = value as? any Encodable {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            result["JSON"] = (try? encoder.encode(encodable)).map { String(decoding: $0, as: UTF8.self) }
                ?? "not encodable"
        }
        return result
    }

    /// The renderings that show a secret, and which.
    private func leaks(in renderings: [String: String]) -> [String] {
        renderings.flatMap { how, text in
            Self.secrets.filter { text.contains($0) }.map { "\(how) shows \($0)" }
        }
    }
}
