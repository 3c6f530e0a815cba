import Foundation

/// Unique numbers for database and directory names within this test process.
final class TestPostgresCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}
