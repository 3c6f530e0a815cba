import Config
import Foundation
import KafkaBridge
import PostgresBridge
import Testing
import WorkflowRuntime

@Suite("What a role's /healthz answers")
struct RoleHealthTests {
    @Test func aRoleIsReadyOnlyWhenItsWorkRunsAndEveryDependencyIsConnected() {
        let health = RoleHealth(needs: [.crm, .kafka, .database])
        #expect(!health.report.isReady)
        #expect(health.report.notReady["work"] == "not started yet")
        #expect(health.report.notReady["crm"] == "not connected yet")

        health.work(RoleHealth.workReason(.running, lastError: nil, workflow: .crmToCampaign))
        health.running()
        #expect(health.report.isReady)
        #expect(health.report.ready.sorted() == ["crm", "database", "kafka"])
        #expect(health.report.json.contains(#""status":"ready""#))

        health.disconnected(.database, "connection refused")
        #expect(health.report.notReady == ["database": "connection refused"])
        #expect(health.report.json.contains(#""notReady":{"database":"connection refused"}"#))
        health.connected(.database)
        #expect(health.report.isReady)
    }

    @Test func aRetryingWorkIsNotReadyUntilItRunsAgainAndItsErrorNamesTheDependency() {
        let health = RoleHealth(needs: [.database, .kafka])
        health.work(nil)
        health.running()
        health.retrying(after: PostgresError(code: .connectionLost, message: "server closed the connection", operation: "PQexecParams"))
        let report = health.report
        #expect(report.notReady["work"]?.hasPrefix("retrying after:") == true)
        #expect(report.notReady["database"] != nil)
        #expect(report.notReady["kafka"] == nil)
        health.running()
        #expect(health.report.isReady)
    }

    @Test func anErrorOfNoKnownDependencyNamesTheGivenOneOrNone() {
        struct CRMDown: Error {}
        let health = RoleHealth(needs: [.crm, .database])
        health.work(nil)
        health.running()
        health.failed(CRMDown())
        #expect(health.report.isReady, "nothing named")
        health.failed(CRMDown(), otherwise: .crm)
        #expect(health.report.notReady.keys.sorted() == ["crm"])
    }

    @Test func theWorkReasonSaysWhyTheWorkDoesNotRun() {
        #expect(RoleHealth.workReason(.idle, lastError: nil, workflow: .crmToCampaign) == "crm-to-campaign is not started")
        #expect(RoleHealth.workReason(.failed, lastError: "column gone", workflow: .crmToCampaign) == "failed: column gone")
        #expect(RoleHealth.workReason(.starting, lastError: nil, workflow: .crmToCampaign) == "starting")
        #expect(RoleHealth.workReason(.running, lastError: "old", workflow: .crmToCampaign) == nil)
    }

    @Test func aKafkaOutageHoldsOverSucceedingCallsUntilEachClientThatSawItTakesItBack() {
        let health = RoleHealth(needs: [.kafka, .database])
        health.work(nil)
        health.running()
        let consumer = health.kafkaConnectivity("consumer")
        let rejects = health.kafkaConnectivity("rejects producer")
        consumer(.allBrokersDown("1/1 brokers are down"))
        rejects(.allBrokersDown("1/1 brokers are down"))
        #expect(health.report.notReady == ["kafka": "every Kafka broker is down (consumer: 1/1 brokers are down)"])
        // An empty poll returns during the outage and marks Kafka connected: the outage holds.
        health.connected(.kafka)
        health.running()
        #expect(!health.report.isReady)
        consumer(.restored)
        #expect(health.report.notReady == ["kafka": "every Kafka broker is down (rejects producer: 1/1 brokers are down)"])
        // A client closed during the outage (the work restarts) no longer holds it.
        rejects(.closed)
        #expect(health.report.isReady)
        #expect(health.report.ready.sorted() == ["database", "kafka"])
    }
}
