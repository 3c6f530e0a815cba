import Dispatch
import Foundation
import Synchronization

/// A dedicated thread that calls `step` (a bounded-time librdkafka poll) until stopped.
/// The thread keeps this object and whatever `step` captures alive until it exits.
final class KafkaPollThread: Sendable {
    private let stopRequested = Mutex(false)
    private let exited = DispatchSemaphore(value: 0)
    private let joined = Mutex(false)

    init(name: String, step: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            while !stopRequested.withLock({ $0 }) {
                step()
            }
            exited.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Asks the thread to exit after its current step; does not wait.
    func stop() {
        stopRequested.withLock { $0 = true }
    }

    /// Stops the thread and blocks until it has exited. Call from a blocking queue only.
    func stopAndJoin() {
        stop()
        let mustWait = joined.withLock { alreadyJoined in
            defer { alreadyJoined = true }
            return !alreadyJoined
        }
        if mustWait {
            exited.wait()
        }
    }
}
