/// Records librdkafka holds for the broker (`KafkaProducer.enqueue`): await
/// `acknowledged()` for the broker's answer, as `KafkaProducer.send` would.
public struct KafkaPendingSend: Sendable {
    private let acknowledgement: AsyncThrowingStream<Never, any Error>

    init(_ acknowledgement: AsyncThrowingStream<Never, any Error>) {
        self.acknowledgement = acknowledgement
    }

    /// Returns once the broker acknowledged every record; throws what `send` would throw,
    /// or `CancellationError` when the waiting task is cancelled first (the records may
    /// still be delivered). Await it once.
    public func acknowledged() async throws {
        for try await _ in acknowledgement {}
        try Task.checkCancellation()
    }
}
