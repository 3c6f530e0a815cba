/// A benchmark that could not finish: its error, reported beside the figures.
struct BenchFailure: Codable, Sendable {
    var benchmark: String
    var scale: Int?
    var error: String
}
