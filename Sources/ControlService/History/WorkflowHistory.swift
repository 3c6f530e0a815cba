import Config
import Foundation
import Synchronization

/// The last hour of each workflow, sampled every few seconds, in memory: what the
/// charts of the Workflows page draw. A fixed-size ring per workflow.
final class WorkflowHistory: Sendable {
    struct Point: Codable, Sendable, Equatable {
        var time: Date
        var backlog: Int64
        /// Records written per second since the previous point.
        var writtenPerSecond: Double
        /// Records read per second since the previous point.
        var readPerSecond: Double
        var status: String
    }

    private struct Ring {
        var points: [Point] = []
        var next = 0
    }

    let capacity: Int
    private let rings = Mutex<[WorkflowName: Ring]>([:])

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    func append(_ point: Point, for workflow: WorkflowName) {
        let capacity = capacity
        rings.withLock { rings in
            var ring = rings[workflow] ?? Ring()
            if ring.points.count < capacity {
                ring.points.append(point)
            } else {
                ring.points[ring.next] = point
            }
            ring.next = (ring.next + 1) % capacity
            rings[workflow] = ring
        }
    }

    /// Oldest first.
    func points(_ workflow: WorkflowName) -> [Point] {
        rings.withLock { rings in
            guard let ring = rings[workflow] else { return [] }
            guard ring.points.count == capacity else { return ring.points }
            return Array(ring.points[ring.next...] + ring.points[..<ring.next])
        }
    }
}
