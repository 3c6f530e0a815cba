import Logging

extension KafkaConsumer {
    /// Joins group `groupID`, runs `body` with the consumer, and closes it (leaving the
    /// group, so its partitions move on at once) on every path.
    public static func withConsumer<T>(
        configuration: KafkaConfiguration, groupID: String, logger: Logger,
        connectivity: KafkaConnectivityHandler? = nil,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (KafkaConsumer) async throws -> T
    ) async throws -> T {
        let consumer = try KafkaConsumer(configuration: configuration, groupID: groupID, logger: logger, connectivity: connectivity)
        let result: T
        do {
            result = try await body(consumer)
        } catch {
            await consumer.close()
            throw error
        }
        await consumer.close()
        return result
    }
}
