import Synchronization

/// Send and receive times of each change, written from many tasks.
final class LatencyLog: Sendable {
    private struct State {
        var sent: [Double?]
        var received: [Double?]
        var receivedCount = 0
        var failedCount = 0
    }

    private let state: Mutex<State>

    init(count: Int) {
        state = Mutex(State(sent: Array(repeating: nil, count: count), received: Array(repeating: nil, count: count)))
    }

    func sent(_ index: Int, at seconds: Double) {
        state.withLock { $0.sent[index] = seconds }
    }

    /// Records the first arrival of `index`; returns how many have arrived.
    func received(_ index: Int, at seconds: Double) -> Int {
        state.withLock { state in
            guard state.received.indices.contains(index), state.received[index] == nil else { return state.receivedCount }
            state.received[index] = seconds
            state.receivedCount += 1
            return state.receivedCount
        }
    }

    var receivedCount: Int { state.withLock { $0.receivedCount } }

    /// A change the CRM refused (its PATCH failed): it will never arrive.
    func failed() { state.withLock { $0.failedCount += 1 } }
    var failedCount: Int { state.withLock { $0.failedCount } }

    /// Received − sent of every change seen, in seconds.
    func latencies() -> [Double] {
        state.withLock { state in
            zip(state.sent, state.received).compactMap { sent, received in
                guard let sent, let received else { return nil }
                return received - sent
            }
        }
    }
}
