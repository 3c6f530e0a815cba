import CoreValues
import Foundation
import Yams

extension ConnectionsConfig {
    /// Reads `connections:`; values named by environment variable are looked up in
    /// `environment`. `nil` when something required is missing (already reported).
    static func read(
        _ yaml: YAMLMapping?, at path: ConfigPath, environment: [String: String], reader: ConfigReader
    ) -> (config: ConnectionsConfig?, kind: CRMKind) {
        guard let yaml else {
            return (nil, .dynamics)
        }
        let settings = EnvironmentSettings(environment: environment)
        let campaign = yaml.mapping("campaign", keys: ["databaseURL", "databaseURLEnv"])
        let kafka = yaml.mapping(
            "kafka", keys: ["bootstrapServers", "bootstrapServersEnv", "properties", "secretPropertiesEnv", "topicPartitions"])
        let crm = yaml.mapping("crm", keys: [
            "kind", "url", "urlEnv", "tokenURL", "tokenURLEnv", "clientId", "clientIdEnv", "clientSecret",
            "clientSecretEnv", "scope", "apiVersion", "requestTimeout", "notAnsweringAfter", "budget", "bulkAbove",
        ])
        for (key, value) in [("campaign", campaign), ("kafka", kafka), ("crm", crm)] where value == nil {
            if !yaml.has(key) {
                yaml.reportMissing(key)
            }
        }
        let databaseURL = campaign.flatMap {
            settings.value($0, "databaseURL", env: "databaseURLEnv", default: "CAMPAIGN_DATABASE_URL")
        }
        let bootstrap = kafka.flatMap {
            settings.value($0, "bootstrapServers", env: "bootstrapServersEnv", default: "KAFKA_BOOTSTRAP_SERVERS")
        }
        let properties = kafka.map(readProperties) ?? [:]
        let secretProperties = kafka.map { settings.secretProperties($0) } ?? [:]
        let topicPartitions = kafka?.int(
            "topicPartitions", default: KafkaConnection.defaultTopicPartitions, range: 1...1000)
            ?? KafkaConnection.defaultTopicPartitions
        let kind: CRMKind? = crm.flatMap { $0.choice("kind", "CRM kind") }
        let connection = crm.flatMap { crm in kind.flatMap { readCRM(crm, kind: $0, settings: settings) } }
        guard let databaseURL, let bootstrap, let connection else {
            return (nil, kind ?? .dynamics)
        }
        return (ConnectionsConfig(
            campaign: CampaignConnection(databaseURL: Secret(databaseURL)),
            kafka: KafkaConnection(
                bootstrapServers: bootstrap, properties: properties, secretProperties: secretProperties,
                topicPartitions: topicPartitions),
            crm: connection), connection.kind)
    }

    private static func readProperties(_ kafka: YAMLMapping) -> [String: String] {
        guard let node = kafka.value("properties") else {
            return [:]
        }
        guard case .mapping(let mapping) = node else {
            kafka.report("properties", "expected a mapping of librdkafka property names to values")
            return [:]
        }
        var properties: [String: String] = [:]
        for (key, value) in mapping {
            guard case .scalar(let name) = key, case .scalar(let text) = value else {
                kafka.reader.report(kafka.path.key("properties"), key, "property names and values must be plain text")
                continue
            }
            if name.string.contains("password") || name.string.contains("secret") {
                kafka.reader.report(
                    kafka.path.key("properties").key(name.string), key,
                    "secrets are never written in the file; name an environment variable in secretPropertiesEnv")
                continue
            }
            properties[name.string] = text.string
        }
        return properties
    }

    private static func readCRM(_ crm: YAMLMapping, kind: CRMKind, settings: EnvironmentSettings) -> CRMConnection? {
        let prefix = kind == .dynamics ? "DYNAMICS" : "SALESFORCE"
        if crm.has("clientSecret") {
            crm.report("clientSecret", "secrets are never written in the file; name an environment variable "
                + "with clientSecretEnv (default \(prefix)_CLIENT_SECRET)")
        }
        let url = settings.url(crm, "url", env: "urlEnv", default: "\(prefix)_URL")
        let tokenURL: URL?
        if kind == .salesforce && !crm.has("tokenURL") && !crm.has("tokenURLEnv") {
            tokenURL = url?.appendingPathComponent("services/oauth2/token")
        } else {
            tokenURL = settings.url(crm, "tokenURL", env: "tokenURLEnv", default: "\(prefix)_TOKEN_URL")
        }
        let clientID = settings.value(crm, "clientId", env: "clientIdEnv", default: "\(prefix)_CLIENT_ID")
        let secret = settings.value(
            crm, nil, env: "clientSecretEnv", default: "\(prefix)_CLIENT_SECRET")
        let scope = crm.nonEmptyString("scope")
        if kind == .salesforce && scope != nil {
            crm.report("scope", "only Dynamics takes an OAuth scope")
        }
        let apiVersion = crm.nonEmptyString("apiVersion") ?? (kind == .dynamics ? "9.2" : "60.0")
        let requestTimeout = crm.duration("requestTimeout", default: CRMConnection.defaultRequestTimeout)
        let notAnsweringAfter = crm.duration("notAnsweringAfter", default: CRMConnection.defaultNotAnsweringAfter)
        let budget = readBudget(crm, kind: kind)
        var bulkAbove: Int?
        if crm.has("bulkAbove") {
            if kind == .salesforce {
                bulkAbove = crm.int("bulkAbove", default: CRMConnection.defaultBulkAbove, range: CRMConnection.bulkAboveRange)
            } else {
                crm.report("bulkAbove", "only Salesforce takes bulkAbove (its Bulk API 2.0 threshold); Dynamics writes every call with UpsertMultiple")
            }
        }
        guard let url, let tokenURL, let clientID, let secret else {
            return nil
        }
        let root = url.absoluteString.hasSuffix("/") ? String(url.absoluteString.dropLast()) : url.absoluteString
        return CRMConnection(
            kind: kind, url: url, tokenURL: tokenURL, clientID: clientID, clientSecret: Secret(secret),
            scope: kind == .dynamics ? (scope ?? root + "/.default") : nil, apiVersion: apiVersion,
            requestTimeout: requestTimeout, notAnsweringAfter: notAnsweringAfter, budget: budget, bulkAbove: bulkAbove)
    }

    /// `budget: {maxConcurrency, allocationReserve, probeInterval}`; the last two are
    /// Salesforce's daily allocation and refused for Dynamics.
    private static func readBudget(_ crm: YAMLMapping, kind: CRMKind) -> CRMBudgetConfig {
        guard let budget = crm.mapping("budget", keys: CRMBudgetConfig.yamlKeys) else {
            return CRMBudgetConfig()
        }
        if kind == .dynamics {
            for key in ["allocationReserve", "probeInterval"] where budget.has(key) {
                budget.report(key, "only Salesforce has a daily API allocation; Dynamics' budgets are read from its answers")
            }
        }
        return CRMBudgetConfig(
            maxConcurrency: budget.int(
                "maxConcurrency", default: CRMBudgetConfig.defaultMaxConcurrency, range: CRMBudgetConfig.concurrencyRange),
            allocationReserve: budget.share(
                "allocationReserve", default: CRMBudgetConfig.defaultAllocationReserve, range: CRMBudgetConfig.reserveRange),
            probeInterval: budget.duration("probeInterval", default: CRMBudgetConfig.defaultProbeInterval))
    }
}

/// Reads a value written in the file (`url: …`) or named by variable (`urlEnv: NAME`,
/// with a default name), reporting problems without ever showing a secret's value.
private struct EnvironmentSettings {
    let environment: [String: String]

    func value(
        _ yaml: YAMLMapping, _ literalKey: String?, env envKey: String, default defaultName: String
    ) -> String? {
        if let literalKey, yaml.has(literalKey) {
            if yaml.has(envKey) {
                yaml.report(envKey, "set either \(literalKey) or \(envKey), not both")
                return nil
            }
            return yaml.nonEmptyString(literalKey)
        }
        let name = yaml.string(envKey) ?? defaultName
        guard IdentifierRule.sqlColumn.problem(with: name) == nil else {
            yaml.report(envKey, "\"\(name)\" is not an environment variable name")
            return nil
        }
        guard let value = environment[name], !value.isEmpty else {
            let how = yaml.has(envKey)
                ? "" : " (set it\(literalKey.map { ", write \($0)" } ?? ""), or name another variable with \(envKey))"
            yaml.reader.report(
                yaml.path.key(envKey), yaml.value(envKey) ?? yaml.node,
                "environment variable \(name) is not set\(how)")
            return nil
        }
        return value
    }

    /// `secretPropertiesEnv: {sasl.password: KAFKA_SASL_PASSWORD}`.
    func secretProperties(_ kafka: YAMLMapping) -> [String: Secret] {
        guard let node = kafka.value("secretPropertiesEnv") else {
            return [:]
        }
        guard case .mapping(let mapping) = node else {
            kafka.report("secretPropertiesEnv", "expected a mapping of librdkafka property names to variable names")
            return [:]
        }
        var result: [String: Secret] = [:]
        let path = kafka.path.key("secretPropertiesEnv")
        for (key, value) in mapping {
            guard case .scalar(let property) = key, case .scalar(let variable) = value else {
                kafka.reader.report(path, key, "property names and variable names must be plain text")
                continue
            }
            guard let secret = environment[variable.string], !secret.isEmpty else {
                kafka.reader.report(
                    path.key(property.string), value, "environment variable \(variable.string) is not set")
                continue
            }
            result[property.string] = Secret(secret)
        }
        return result
    }

    func url(_ yaml: YAMLMapping, _ literalKey: String, env envKey: String, default defaultName: String) -> URL? {
        guard let text = value(yaml, literalKey, env: envKey, default: defaultName) else {
            return nil
        }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              url.host != nil else {
            let origin = yaml.has(literalKey) ? literalKey : "the value of \(yaml.string(envKey) ?? defaultName)"
            yaml.report(yaml.has(literalKey) ? literalKey : envKey, "\(origin) is not an http(s) URL")
            return nil
        }
        return url
    }
}
