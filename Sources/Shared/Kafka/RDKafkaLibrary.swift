import CRDKafka

/// The librdkafka this build links against, for `--version` and logs.
public enum RDKafkaLibrary {
    public static var version: String { String(cString: rd_kafka_version_str()) }
}
