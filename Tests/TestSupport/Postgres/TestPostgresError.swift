/// A failure of the test PostgreSQL support (a script, a spawn, a timeout).
public struct TestPostgresError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
