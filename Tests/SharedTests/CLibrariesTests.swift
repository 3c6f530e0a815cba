import HTTPBridge
import KafkaBridge
import PostgresBridge
import Testing

@Suite struct CLibrariesTests {
    @Test func eachBridgeLinksItsCLibrary() {
        #expect(RDKafkaLibrary.version.hasPrefix("2."))
        #expect(PGLibrary.version >= 150000)
        #expect(CurlLibrary.version.contains("libcurl"))
    }
}
