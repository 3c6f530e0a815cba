import CCurl
import CLibPQ
import CRDKafka

/// Versions of the C libraries the bridges link against, for `--version` and logs.
public enum CLibraryVersions {
    public static var librdkafka: String { String(cString: rd_kafka_version_str()) }
    public static var libpq: Int { Int(PQlibVersion()) }
    public static var libcurl: String { String(cString: curl_version()) }
}
