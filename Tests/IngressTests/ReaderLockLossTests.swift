import CoreValues
import Foundation
import KafkaBridge
import TestSupport
import Testing

extension IngressEndToEnd {
    /// One active reader, always: when the session holding the reader's lock ends mid-load
    /// (here `pg_terminate_backend`), that reader stops publishing at once and the standby
    /// takes over; no two readers publish at once and nothing is lost.
    @Suite struct ReaderLockLossTests {
        static let contacts = TestEntity.contact(.dynamics).with { $0.deletes = false; $0.pageSize = 500 }

        @Test func aReaderThatLosesItsLockSessionMidLoadStopsAndTheStandbyFinishesTheLoad() async throws {
            let stack = try await TestStack.start(crm: .dynamics, workflowsYAML: TestEntity.workflow([Self.contacts]))
            let count = 20_000
            try await stack.seed("contacts", count: count)
            // Each page of 500 takes 200 ms more: the full load lasts seconds.
            try await stack.admin("PUT", "/admin/faults", json: #"{"addedLatencyMilliseconds": 200}"#)
            let roles = try await IngressRoles.start(stack, readers: 2)
            defer { roles.stop() }
            let first = try await stack.waitForRole(.crmToCampaign, "reader", .running)
            try await roles.waitUntil("part of the full load in Campaign") {
                try await stack.count("SELECT count(*) FROM profiles") > 1_000
            }

            let terminated = try await stack.query("""
                SELECT pg_terminate_backend(pid) AS done FROM pg_locks
                WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """)
            #expect(terminated.count == 1, "one session held the reader's lock")
            let second = try await stack.waitForRole(.crmToCampaign, "reader", .running, timeout: .seconds(30)) {
                $0.instance != first.instance
            }
            try await stack.admin("PUT", "/admin/faults", json: "{}")
            try await roles.waitForRows(Self.contacts, count, timeout: .seconds(120))
            try await roles.waitForWindow(Self.contacts, after: Date().addingTimeInterval(-2))
            let comparison = try await CampaignComparison.compare(stack, Self.contacts)
            #expect(comparison.isEqual, "\(comparison.problems)")

            // Who published what, in the order the broker appended it.
            let messages = try await stack.messages(Self.contacts.topic)
            let publishers = Self.publishersInOrder(messages)
            #expect(Set(publishers.values.flatMap { $0 }) == [first.instance, second.instance], "\(publishers)")
            for (partition, sequence) in publishers {
                // The first reader, then the second, never back: one switch at most.
                #expect(sequence == [first.instance, second.instance] || sequence.count == 1,
                        "partition \(partition) was published to by \(sequence)")
            }
            let log = try #require(roles.readers.first { first.instance.hasSuffix("-\($0.pid)") }).log
            #expect(log.contains("lost the lock"))
        }

        /// Per partition, the publishing instances by offset, each run of one instance once.
        static func publishersInOrder(_ messages: [KafkaMessage]) -> [Int32: [String]] {
            var runs: [Int32: [String]] = [:]
            for message in messages.sorted(by: { ($0.partition, $0.offset) < ($1.partition, $1.offset) }) {
                let instance = message.header(EnvelopeHeaders.instance).map { String(decoding: $0, as: UTF8.self) } ?? "none"
                if runs[message.partition]?.last != instance { runs[message.partition, default: []].append(instance) }
            }
            return runs
        }
    }
}
