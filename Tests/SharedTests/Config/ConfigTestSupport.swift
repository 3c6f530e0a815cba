@testable import Config


/// The environment `make run` provides, with the emulator's demo values.
let demoEnvironment = [
    "CAMPAIGN_DATABASE_URL": "postgresql://crmbridge:pg-password@127.0.0.1:55432/campaign",
    "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:39092",
    "DYNAMICS_URL": "http://127.0.0.1:8090/dynamics",
    "DYNAMICS_TOKEN_URL": "http://127.0.0.1:8090/dynamics/oauth2/v2.0/token",
    "DYNAMICS_CLIENT_ID": "demo-client",
    "DYNAMICS_CLIENT_SECRET": "demo-secret-value",
    "SALESFORCE_URL": "http://127.0.0.1:8090/salesforce",
    "SALESFORCE_CLIENT_ID": "sf-client",
    "SALESFORCE_CLIENT_SECRET": "sf-secret-value",
]

/// A minimal valid file with `workflows` appended.
func configYAML(kind: String = "dynamics", workflows: String = "") -> String {
    """
    instance: test
    connections:
      campaign: {}
      kafka: {}
      crm:
        kind: \(kind)
    workflows:
    \(workflows)
    """
}

/// The problems of a file that must not parse.
func problems(_ yaml: String, environment: [String: String] = demoEnvironment) -> [ConfigProblem] {
    do {
        _ = try CRMBridgeConfig.parse(yaml: yaml, environment: environment)
        return []
    } catch {
        return error.problems
    }
}

/// The problems of one workflow section that must not parse.
func workflowProblems(_ yaml: String, _ workflow: WorkflowName, crm: CRMKind = .dynamics) -> [ConfigProblem] {
    do {
        _ = try WorkflowConfig.parse(yaml: yaml, workflow: workflow, crm: crm)
        return []
    } catch {
        return error.problems
    }
}
