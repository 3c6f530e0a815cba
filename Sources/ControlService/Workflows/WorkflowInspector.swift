import Config
import Foundation
import Logging
import WorkflowRuntime

/// Reads a workflow's state from PostgreSQL and its backlog from Kafka, and derives its
/// status with `WorkflowStatusRule`, so the API, the page and the CLI show the same.
struct WorkflowInspector: Sendable {
    let store: WorkflowStore
    let heartbeats: HeartbeatStore
    let configs: WorkflowConfigs
    let backlog: BacklogReader
    let rule: WorkflowStatusRule
    /// Instances silent for longer leave the roles list (`WorkflowView.listedReports`).
    let forgetInstancesAfter: Duration
    let logger: Logger

    func all() async throws -> [WorkflowView] {
        var views: [WorkflowView] = []
        for record in try await store.all() {
            views.append(try await view(record))
        }
        return views
    }

    /// The workflow's view; `APIError.unknownWorkflow` when it is not in the database.
    func view(_ name: WorkflowName) async throws -> WorkflowView {
        guard let record = try await store.get(name) else { throw APIError.notSetUp(name) }
        return try await view(record)
    }

    func view(_ record: WorkflowRecord) async throws -> WorkflowView {
        let (reports, now) = try await heartbeats.reports(record.name)
        let verdict = rule.verdict(
            desired: record.desiredState, runningVersion: record.runningVersion, roles: record.name.roles,
            heartbeats: reports.map(\.heartbeat), startedAt: record.startedAt, now: now)
        var streams: WorkflowStreams?
        var reading: BacklogReader.Reading
        do {
            let running = try await configs.runningStreams(record)
            streams = running
            reading = await backlog.read(record.name, topics: running.topics)
        } catch {
            logger.warning("running configuration not readable", metadata: ["workflow": "\(record.name.rawValue)", "error": "\(error)"])
            reading = BacklogReader.Reading(total: 0, byTopic: [:], error: "the running configuration is not readable: \(error)")
        }
        return WorkflowView(
            record: record, verdict: verdict, reports: reports, now: now, backlog: reading, streams: streams,
            lastError: lastError(record, verdict, reports, now),
            listedReports: reports.filter { now.timeIntervalSince($0.at) <= forgetInstancesAfter.seconds })
    }

    private func lastError(
        _ record: WorkflowRecord, _ verdict: WorkflowStatusRule.Verdict, _ reports: [HeartbeatStore.Report], _ now: Date
    ) -> String? {
        if verdict.status == .failed { return verdict.reason }
        guard record.desiredState == .running else { return nil }
        return reports
            .filter { $0.lastError != nil && now.timeIntervalSince($0.at) <= rule.staleAfter.seconds }
            .max { $0.at < $1.at }
            .map { "\($0.role): \($0.lastError ?? "")" }
    }
}
