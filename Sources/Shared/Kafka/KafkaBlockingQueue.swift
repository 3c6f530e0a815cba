import Dispatch

/// A serial queue for librdkafka calls that block (consumer poll, synchronous commit,
/// metadata, flush). It keeps them off Swift's cooperative thread pool and bridges their
/// results back to async callers with a continuation.
struct KafkaBlockingQueue: Sendable {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label, qos: .userInitiated)
    }

    /// Runs `body` on the queue, after every job enqueued before it.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body() })
            }
        }
    }

    /// Runs `body` on the queue for a call that cannot fail.
    func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: body())
            }
        }
    }

    /// Enqueues `body` without waiting for it.
    func async(_ body: @escaping @Sendable () -> Void) {
        queue.async(execute: body)
    }

    /// Enqueues `body` once `delay` has passed, without holding the queue meanwhile.
    func async(after delay: Duration, _ body: @escaping @Sendable () -> Void) {
        guard delay > .zero else { return queue.async(execute: body) }
        queue.asyncAfter(deadline: .now() + .milliseconds(Int(delay.kafkaMilliseconds)), execute: body)
    }
}
