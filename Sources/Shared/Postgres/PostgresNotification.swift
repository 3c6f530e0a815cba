/// A `NOTIFY` received on a channel the connection listens to.
public struct PostgresNotification: Sendable, Hashable {
    /// The channel name, as the server reports it.
    public var channel: String
    /// The payload (empty when the sender gave none).
    public var payload: String
    /// The process id of the notifying backend.
    public var backendPID: Int32

    public init(channel: String, payload: String, backendPID: Int32) {
        self.channel = channel
        self.payload = payload
        self.backendPID = backendPID
    }
}
