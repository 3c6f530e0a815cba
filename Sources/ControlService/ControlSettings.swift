import Config
import CoreValues
import Foundation
import KafkaBridge

/// Everything the control service needs to run, typed, with documented defaults.
/// `ServeCommand` builds it from `crmbridge.yaml` and the environment; tests build it
/// directly.
struct ControlSettings: Sendable {
    /// Address to listen on. Default `127.0.0.1`.
    var host: String = "127.0.0.1"
    /// Port to listen on (0 picks a free one). Default 8080.
    var port: Int = 8080
    /// The Campaign database (schema `crmbridge` holds the workflow state). Never logged.
    var databaseURL: Secret
    /// How to reach Kafka (backlog, replays).
    var kafka: KafkaConfiguration
    /// The bearer token every `/api/*` call must carry. Never logged.
    var apiToken: Secret
    /// The CRM of this deployment: config validation uses its defaults and limits.
    var crm: CRMKind
    /// `instance:` of crmbridge.yaml (names the LASTIMPORT options).
    var instance: String
    /// Each workflow's section of crmbridge.yaml, stored as version 1 when the workflow
    /// is not in the database yet.
    var initialConfigs: [WorkflowName: String]
    /// How often the history ring buffer and `/metrics` are refreshed. Default 5 s.
    var sampleInterval: Duration = .seconds(5)
    /// How much history the charts keep. Default 1 hour.
    var historyWindow: Duration = .seconds(3600)
    /// A role whose heartbeat is older than this is not running. Default 5 s.
    var heartbeatStaleAfter: Duration = .seconds(5)
    /// After Kafka could not be read, answers show the last backlog read (with the
    /// error) for this long before Kafka is asked again. Default 10 s.
    var backlogRetryAfter: Duration = .seconds(10)
    /// The CRM of this deployment, to check a saved crm-to-campaign mapping against the
    /// CRM's metadata (`MappingValidator`); nil skips the check.
    var crmConnection: CRMConnection? = nil
    /// How long a save waits for the CRM's metadata before it stores the configuration
    /// with a warning instead. Default 10 s.
    var mappingCheckTimeout: Duration = .seconds(10)
    /// An instance whose last heartbeat is older than this leaves the workflow's roles
    /// list (killed processes from earlier runs); its counters still count in `/metrics`.
    /// Default 2 minutes.
    var forgetInstancesAfter: Duration = .seconds(120)

    /// Points kept per workflow in the history ring buffer.
    var historyCapacity: Int {
        max(1, Int((historyWindow.seconds / max(sampleInterval.seconds, 0.001)).rounded(.up)))
    }
}

extension ControlSettings {
    /// Kafka settings for the control service's admin calls: the configured cluster,
    /// the local-broker timeouts when `CRMBRIDGE_LOCAL_BROKER=1` (the mock broker of
    /// `make run`), and requests bounded to 5 s so a Kafka outage never blocks the page.
    static func kafkaConfiguration(_ connection: KafkaConnection, localBroker: Bool) -> KafkaConfiguration {
        var configuration = localBroker
            ? KafkaConfiguration.localDefaults(bootstrapServers: connection.bootstrapServers, clientID: "crmbridge-control")
            : KafkaConfiguration(bootstrapServers: connection.bootstrapServers, clientID: "crmbridge-control")
        configuration.requestTimeout = .seconds(5)
        configuration.additional = connection.properties
        configuration.secretProperties = connection.secretProperties
        return configuration
    }
}
