import CoreValues
import Foundation

/// How to reach Campaign, Kafka and the CRM (`connections:` in `crmbridge.yaml`).
/// Endpoints may be written in the file or named by environment variable (`…Env` keys);
/// credentials only come from the environment. Each value has a default variable name,
/// the one `make run` writes to `.crmbridge/stack.env`.
public struct ConnectionsConfig: Sendable, Equatable {
    public var campaign: CampaignConnection
    public var kafka: KafkaConnection
    public var crm: CRMConnection

    public init(campaign: CampaignConnection, kafka: KafkaConnection, crm: CRMConnection) {
        self.campaign = campaign
        self.kafka = kafka
        self.crm = crm
    }
}

/// The Campaign PostgreSQL database.
public struct CampaignConnection: Sendable, Equatable {
    /// A libpq connection URL (`postgresql://user:password@host:port/db`); may hold a password.
    /// Key `databaseURL`, or `databaseURLEnv` (default `CAMPAIGN_DATABASE_URL`).
    public var databaseURL: Secret

    public init(databaseURL: Secret) {
        self.databaseURL = databaseURL
    }
}

/// The Kafka cluster.
public struct KafkaConnection: Sendable, Equatable {
    /// `host:port[,host:port…]`. Key `bootstrapServers`, or `bootstrapServersEnv`
    /// (default `KAFKA_BOOTSTRAP_SERVERS`).
    public var bootstrapServers: String
    /// Extra librdkafka properties (`properties:`), applied last; e.g. `security.protocol`.
    public var properties: [String: String]
    /// Secret librdkafka properties (`sasl.password`), each read from the environment
    /// variable named in `secretPropertiesEnv:`.
    public var secretProperties: [String: Secret]
    /// Partitions of the workflow topics the roles create when they are missing (key
    /// `topicPartitions`, 1-1000). A consumer group spreads partitions over its members,
    /// so this caps how many writer replicas do work at once; Kafka can add partitions to
    /// a topic later but never remove them, and a record's key stays on one partition only
    /// while the count is unchanged. The default, 12, lets 1, 2, 3, 4, 6 or 12 writers
    /// share the load evenly (docs/decisions.md).
    public var topicPartitions: Int

    public static let defaultTopicPartitions = 12

    public init(bootstrapServers: String, properties: [String: String] = [:],
                secretProperties: [String: Secret] = [:], topicPartitions: Int = Self.defaultTopicPartitions) {
        self.bootstrapServers = bootstrapServers
        self.properties = properties
        self.secretProperties = secretProperties
        self.topicPartitions = topicPartitions
    }
}

/// The CRM and its OAuth client-credentials login.
public struct CRMConnection: Sendable, Equatable {
    public var kind: CRMKind
    /// Dynamics: the organisation root (the Web API is under `api/data/v9.2/`);
    /// Salesforce: the instance root. Key `url`/`urlEnv` (default `DYNAMICS_URL` / `SALESFORCE_URL`).
    public var url: URL
    /// The token endpoint. Key `tokenURL`/`tokenURLEnv`; Dynamics default variable
    /// `DYNAMICS_TOKEN_URL`, Salesforce default `<url>/services/oauth2/token`.
    public var tokenURL: URL
    /// Key `clientId`/`clientIdEnv` (default `DYNAMICS_CLIENT_ID` / `SALESFORCE_CLIENT_ID`).
    public var clientID: String
    /// Only `clientSecretEnv` (default `DYNAMICS_CLIENT_SECRET` / `SALESFORCE_CLIENT_SECRET`).
    public var clientSecret: Secret
    /// Dynamics OAuth scope; default `<url>/.default`. `nil` for Salesforce.
    public var scope: String?
    /// The API version: default `9.2` (Dynamics) or `60.0` (Salesforce).
    public var apiVersion: String
    /// Whole-request timeout of each CRM call (key `requestTimeout`), so a hung CRM is
    /// noticed and the call retried. Default 2 minutes (a 5000-record page).
    public var requestTimeout: Duration
    /// A reader whose CRM calls have not succeeded for this long shows "CRM not answering
    /// for N s (retrying)" as the workflow's status reason (key `notAnsweringAfter`).
    /// Default 60 s.
    public var notAnsweringAfter: Duration
    /// How the roles spend the CRM's budgets (key `budget`): concurrency, and for
    /// Salesforce the allocation reserve and the probe interval.
    public var budget: CRMBudgetConfig
    /// Salesforce: a write of more records than this goes as one Bulk API 2.0 ingest job
    /// instead of sObject Collections calls (key `bulkAbove`, 200-10,000; 10,000 never
    /// uses Bulk API 2.0, as one write takes at most 10,000 records). Default 2,000,
    /// Salesforce's advice. `nil` for Dynamics (its bulk messages need no threshold).
    public var bulkAbove: Int?

    public static let defaultRequestTimeout: Duration = .seconds(120)
    public static let defaultNotAnsweringAfter: Duration = .seconds(60)
    public static let defaultBulkAbove = 2_000
    /// One Salesforce write takes at most 10,000 records when Bulk API 2.0 is on (the
    /// egress writer polls 4 writes' worth), so a larger threshold would never be reached.
    public static let bulkAboveRange = 200...10_000

    public init(
        kind: CRMKind, url: URL, tokenURL: URL, clientID: String, clientSecret: Secret, scope: String?,
        apiVersion: String, requestTimeout: Duration = Self.defaultRequestTimeout,
        notAnsweringAfter: Duration = Self.defaultNotAnsweringAfter, budget: CRMBudgetConfig = CRMBudgetConfig(),
        bulkAbove: Int? = nil
    ) {
        self.budget = budget
        self.bulkAbove = bulkAbove ?? (kind == .salesforce ? Self.defaultBulkAbove : nil)
        self.requestTimeout = requestTimeout
        self.notAnsweringAfter = notAnsweringAfter
        self.kind = kind
        self.url = url
        self.tokenURL = tokenURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scope = scope
        self.apiVersion = apiVersion
    }
}
