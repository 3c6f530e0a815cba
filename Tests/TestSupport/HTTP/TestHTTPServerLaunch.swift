import Hummingbird
import Logging

/// Serves a responder on a free port of 127.0.0.1 for the tests' small HTTP servers
/// (`LocalHTTPServer`, `ScriptedHTTPServer`), and answers once it accepts connections.
enum TestHTTPServerLaunch {
    /// The port and the task serving it; cancelling the task stops the server.
    static func launch<Responder: HTTPResponder>(
        _ responder: Responder, label: String
    ) async throws -> (port: Int, task: Task<Void, any Error>)
    where Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
        var logger = Logger(label: label)
        // Stopping cancels connections curl keeps alive; Hummingbird logs that as an error.
        logger.logLevel = .critical
        let (ports, portSink) = AsyncStream<Int>.makeStream()
        let app = Application(
            responder: responder,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portSink.yield(channel.localAddress?.port ?? 0) },
            logger: logger)
        let task = Task {
            defer { portSink.finish() }
            try await app.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            _ = try? await task.value
            throw LocalHTTPServerError.didNotStart
        }
        return (port, task)
    }
}
