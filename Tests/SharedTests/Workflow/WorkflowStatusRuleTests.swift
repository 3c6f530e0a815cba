@testable import Config
import Foundation
import Testing
@testable import WorkflowRuntime

@Suite struct WorkflowStatusRuleTests {
    let rule = WorkflowStatusRule(staleAfter: .seconds(5))
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let roles = ["reader", "writer"]

    func beat(_ role: String, _ state: RoleState, version: Int? = 2, ago: TimeInterval = 1, error: String? = nil) -> WorkflowStatusRule.Heartbeat {
        .init(role: role, instance: "\(role)-1", state: state, configVersion: version, lastError: error, at: now.addingTimeInterval(-ago))
    }

    @Test func stoppedWhateverTheRolesSay() {
        let v = rule.verdict(desired: .stopped, runningVersion: 2, roles: roles,
                             heartbeats: [beat("reader", .running)], startedAt: nil, now: now)
        #expect(v.status == .stopped)
    }

    @Test func startingUntilEveryRoleRunsTheRequestedVersion() {
        let v = rule.verdict(desired: .running, runningVersion: 2, roles: roles,
                             heartbeats: [beat("reader", .running), beat("writer", .running, version: 1)],
                             startedAt: now.addingTimeInterval(-3), now: now)
        #expect(v.status == .starting)
        #expect(v.reason == "waiting for writer")
    }

    @Test func runningWhenEveryRoleReportsTheRunningVersion() {
        let v = rule.verdict(desired: .running, runningVersion: 2, roles: roles,
                             heartbeats: [beat("reader", .running), beat("writer", .running)],
                             startedAt: now.addingTimeInterval(-3), now: now)
        #expect(v == .init(status: .running, reason: nil))
    }

    @Test func failedWithTheRoleAndItsReason() {
        let v = rule.verdict(desired: .running, runningVersion: 2, roles: roles,
                             heartbeats: [beat("reader", .running), beat("writer", .failed, error: "column profiles.email is missing")],
                             startedAt: now.addingTimeInterval(-3), now: now)
        #expect(v == .init(status: .failed, reason: "writer: column profiles.email is missing"))
    }

    @Test func aRoleThatStopsReportingShowsAsNotRunning() {
        let v = rule.verdict(desired: .running, runningVersion: 2, roles: roles,
                             heartbeats: [beat("reader", .running), beat("writer", .running, ago: 9)],
                             startedAt: now.addingTimeInterval(-60), now: now)
        #expect(v.status == .failed)
        #expect(v.reason == "writer: not running (no heartbeat for 9s)")
    }

    @Test func heartbeatsFromBeforeStartDoNotCountAsFailure() {
        let v = rule.verdict(desired: .running, runningVersion: 2, roles: roles,
                             heartbeats: [beat("reader", .running), beat("writer", .running, ago: 90)],
                             startedAt: now.addingTimeInterval(-2), now: now)
        #expect(v.status == .starting)
    }

    @Test func aFailureFromBeforeTheLastStartDoesNotCount() {
        let v = rule.verdict(desired: .running, runningVersion: 2, roles: roles,
                             heartbeats: [beat("reader", .running), beat("writer", .failed, ago: 2, error: "table gone")],
                             startedAt: now.addingTimeInterval(-1), now: now)
        #expect(v == .init(status: .starting, reason: "waiting for writer"))
    }

    @Test func unknownWorkflowNamesTheValidOnes() {
        #expect(throws: UnknownWorkflowError.self) { try WorkflowName.parse("crm2campaign") }
        #expect(UnknownWorkflowError(name: "x").description.contains("crm-to-campaign, campaign-to-crm, opt-in-out"))
    }
}

@Suite struct TopicsTests {
    @Test func namesFollowTheSpec() {
        #expect(Topics.crmToCampaign(entity: "contact") == "crmbridge.crm-to-campaign.contact")
        #expect(Topics.writerGroup(.crmToCampaign) == "crmbridge.crm-to-campaign.writer")
        #expect(Topics.rejects(.optInOut) == "crmbridge.opt-in-out.rejects")
    }

    @Test func entityNamesMustBeValidTopicNames() {
        #expect(Topics.isValidEntityName("crmb_membership"))
        #expect(!Topics.isValidEntityName("contact;drop"))
        #expect(!Topics.isValidEntityName(""))
        #expect(!Topics.isValidEntityName("é"))
    }
}
