import KafkaBridge

extension RoleHealth {
    /// The connectivity handler of one Kafka client of this role (`KafkaProducer`,
    /// `KafkaConsumer`): while that client sees every broker down, `kafka` is not ready
    /// with librdkafka's reason, until a broker answers it again or it is closed.
    /// - Parameter client: names the client in the reason (`producer`, `consumer`…); one
    ///   name per client of the role.
    public func kafkaConnectivity(_ client: String) -> KafkaConnectivityHandler {
        { [self] change in
            switch change {
            case .allBrokersDown(let detail):
                outage(.kafka, client: client, "every Kafka broker is down (\(client): \(detail))")
            case .restored, .closed:
                outage(.kafka, client: client, nil)
            }
        }
    }
}
