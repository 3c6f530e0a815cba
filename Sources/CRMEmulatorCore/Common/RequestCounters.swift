import Synchronization

/// Requests and operations served, per CRM, for tests and benchmarks
/// (`GET /admin/counters`). An operation is one record-level action: a `$batch`
/// of 100 changes is one request and 100 operations.
public final class RequestCounters: Sendable {
    public struct Snapshot: Codable, Sendable, Equatable {
        public var requests: Int
        public var operations: Int
        public var recordsServed: Int
        public var faultsInjected: Int
        /// Requests the service-protection limits answered 429 (injected faults not counted).
        public var throttled: Int = 0
    }

    private let state = Mutex(Snapshot(requests: 0, operations: 0, recordsServed: 0, faultsInjected: 0))

    public init() {}

    public func countRequest() { state.withLock { $0.requests += 1 } }
    public func countOperations(_ n: Int) { state.withLock { $0.operations += n } }
    public func countRecordsServed(_ n: Int) { state.withLock { $0.recordsServed += n } }
    public func countThrottled() { state.withLock { $0.throttled += 1 } }
    public func countFault() { state.withLock { $0.faultsInjected += 1 } }
    public var snapshot: Snapshot { state.withLock { $0 } }
    public func reset() { state.withLock { $0 = Snapshot(requests: 0, operations: 0, recordsServed: 0, faultsInjected: 0) } }
}
