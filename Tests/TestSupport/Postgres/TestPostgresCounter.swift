import Synchronization

/// Unique numbers for database and directory names within this test process.
final class TestPostgresCounter: Sendable {
    private let value = Mutex(0)

    func next() -> Int {
        value.withLock { value in
            value += 1
            return value
        }
    }
}
