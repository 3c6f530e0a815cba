import Logging

extension KafkaProducer {
    /// Creates a producer, runs `body` with it, and closes it on every path. When `body`
    /// returns the close flushes (up to `closeTimeout`); when it throws or is cancelled,
    /// what is still queued is flushed as well, since a caller that must not deliver it
    /// (it lost its right to publish) calls `close(timeout: .zero)` itself, first.
    public static func withProducer<T>(
        configuration: KafkaConfiguration, logger: Logger, closeTimeout: Duration = .seconds(30),
        connectivity: KafkaConnectivityHandler? = nil,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (KafkaProducer) async throws -> T
    ) async throws -> T {
        let producer = try KafkaProducer(configuration: configuration, logger: logger, connectivity: connectivity)
        let result: T
        do {
            result = try await body(producer)
        } catch {
            await producer.close(timeout: closeTimeout)
            throw error
        }
        await producer.close(timeout: closeTimeout)
        return result
    }
}
