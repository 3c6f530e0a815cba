/// A topic created when the local broker starts.
struct BrokerTopic: Hashable, Sendable {
    var name: String
    var partitions: Int

    /// `--topic` argument of `crmbridge dev-broker`.
    var argument: String { "\(name):\(partitions)" }
}
