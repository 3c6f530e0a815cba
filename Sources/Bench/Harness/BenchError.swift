/// Something the bench itself could not do (a part did not start, a wait timed out).
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
