import Logging

extension HTTPClient {
    /// Creates a client, runs `body` with it, and shuts it down (stopping its transfer
    /// thread) on every path.
    public static func withClient<T>(
        configuration: Configuration = .init(), logger: Logger,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (HTTPClient) async throws -> T
    ) async throws -> T {
        let client = HTTPClient(configuration: configuration, logger: logger)
        defer { client.shutdown() }
        return try await body(client)
    }
}
