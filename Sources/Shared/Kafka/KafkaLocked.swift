import Foundation

/// A value behind a lock: the only way the Kafka bridge shares mutable state between the
/// poll threads, the blocking queues and Swift tasks. Closures passed to `withLock` must
/// stay short and must not call back into librdkafka.
final class KafkaLocked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
