import Foundation
import WorkflowRuntime

/// The counters roles put in their heartbeat `detail` (see `RoleRun`), turned into
/// monotonic totals per workflow and role: each instance's counters start at 0 when
/// its process starts, so only their increase since the last look is added, and a
/// counter that went down (a restarted instance under the same name) counts from 0.
struct RoleCounterTotals: Sendable {
    struct Counters: Sendable, Equatable {
        var recordsRead: Double = 0
        var recordsWritten: Double = 0
        var recordsRejected: Double = 0
        var errors: Double = 0
        var latencySecondsSum: Double = 0
        var latencyCount: Double = 0

        static func + (a: Counters, b: Counters) -> Counters {
            Counters(
                recordsRead: a.recordsRead + b.recordsRead, recordsWritten: a.recordsWritten + b.recordsWritten,
                recordsRejected: a.recordsRejected + b.recordsRejected, errors: a.errors + b.errors,
                latencySecondsSum: a.latencySecondsSum + b.latencySecondsSum, latencyCount: a.latencyCount + b.latencyCount)
        }

        /// Reads the known keys of a heartbeat `detail` JSON object; others are ignored.
        init(detail: String) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(detail.utf8)) as? [String: Any] else { return }
            func number(_ key: String) -> Double {
                guard let value = object[key] as? NSNumber, value.doubleValue.isFinite else { return 0 }
                return max(0, value.doubleValue)
            }
            recordsRead = number("recordsRead")
            recordsWritten = number("recordsWritten")
            recordsRejected = number("recordsRejected")
            errors = number("errors")
            latencySecondsSum = number("latencySecondsSum")
            latencyCount = number("latencyCount")
        }

        init(recordsRead: Double = 0, recordsWritten: Double = 0, recordsRejected: Double = 0, errors: Double = 0,
             latencySecondsSum: Double = 0, latencyCount: Double = 0) {
            self.recordsRead = recordsRead
            self.recordsWritten = recordsWritten
            self.recordsRejected = recordsRejected
            self.errors = errors
            self.latencySecondsSum = latencySecondsSum
            self.latencyCount = latencyCount
        }

        /// `self − earlier`, each counter that went down counting from 0.
        func increase(since earlier: Counters) -> Counters {
            func step(_ now: Double, _ before: Double) -> Double { now >= before ? now - before : now }
            return Counters(
                recordsRead: step(recordsRead, earlier.recordsRead),
                recordsWritten: step(recordsWritten, earlier.recordsWritten),
                recordsRejected: step(recordsRejected, earlier.recordsRejected),
                errors: step(errors, earlier.errors),
                latencySecondsSum: step(latencySecondsSum, earlier.latencySecondsSum),
                latencyCount: step(latencyCount, earlier.latencyCount))
        }
    }

    struct Increase: Sendable {
        /// Per role: what to add to the totals (instances seen for the first time count whole).
        var byRole: [String: Counters] = [:]
        /// Over all roles, from instances already seen before: a rate, with no jump when
        /// the control service starts or an instance appears.
        var observed = Counters()
    }

    private struct InstanceKey: Hashable {
        var role: String
        var instance: String
    }

    private var last: [InstanceKey: Counters] = [:]

    /// Takes one round of reports of a workflow and answers the increase since the last round.
    mutating func observe(_ reports: [HeartbeatStore.Report]) -> Increase {
        var increase = Increase()
        var seen: [InstanceKey: Counters] = [:]
        for report in reports {
            let key = InstanceKey(role: report.role, instance: report.instance)
            let now = Counters(detail: report.detail)
            seen[key] = now
            if let before = last[key] {
                let step = now.increase(since: before)
                increase.byRole[report.role] = (increase.byRole[report.role] ?? Counters()) + step
                increase.observed = increase.observed + step
            } else {
                increase.byRole[report.role] = (increase.byRole[report.role] ?? Counters()) + now
            }
        }
        last = seen
        return increase
    }
}
