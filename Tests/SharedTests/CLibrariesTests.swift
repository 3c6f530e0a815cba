import Testing
@testable import Shared

@Suite struct CLibrariesTests {
    @Test func linksAllThreeCLibraries() {
        #expect(CLibraryVersions.librdkafka.hasPrefix("2."))
        #expect(CLibraryVersions.libpq >= 150000)
        #expect(CLibraryVersions.libcurl.contains("libcurl"))
    }
}
