import Glibc
import HTTPBridge
import TestSupport
import Testing

/// Transport failures: each gives a clear `HTTPError` without secrets.
@Suite struct HTTPClientFailureTests {
    @Test func closedPortGivesConnectionRefused() async throws {
        // A socket bound but not listening: the port refuses connections, and no other
        // test's server can take it while this test holds it.
        let socket = try BoundSocket()
        defer { socket.close() }
        let port = socket.port
        let client = HTTPClient()
        defer { client.shutdown() }
        let error = await #expect(throws: HTTPError.self) {
            try await client.execute(HTTPRequest(url: "http://127.0.0.1:\(port)/api"))
        }
        #expect(error?.code == .connectionRefused)
        #expect(error?.curlCode == 7)
        #expect(error?.isRetriable == true)
    }

    @Test(arguments: ["not a url", "ftp://example.org/file", "file:///etc/passwd", "http://exa mple.org/", "http://[::1/x", ""])
    func invalidURLGivesAClearError(url: String) async throws {
        let client = HTTPClient()
        defer { client.shutdown() }
        let error = await #expect(throws: HTTPError.self) {
            try await client.execute(HTTPRequest(url: url))
        }
        #expect(error?.code == .invalidURL)
        #expect(error?.isRetriable == false)
        #expect(error?.description.contains("invalidURL") == true)
    }

    @Test func headerWithLineBreakIsRejectedBeforeSending() async throws {
        let client = HTTPClient()
        defer { client.shutdown() }
        let error = await #expect(throws: HTTPError.self) {
            try await client.execute(HTTPRequest(
                url: "http://127.0.0.1:1/", headers: ["X-Evil": "a\r\nInjected: yes"]))
        }
        #expect(error?.code == .invalidRequest)
        #expect(error?.description.contains("Injected") == false)
    }

    @Test func errorDescriptionHasNoQueryStringNoCredentialsAndNoHeaderValue() async throws {
        // A socket bound but not listening: the port refuses connections, and no other
        // test's server can take it while this test holds it.
        let socket = try BoundSocket()
        defer { socket.close() }
        let port = socket.port
        let client = HTTPClient()
        defer { client.shutdown() }
        let url = "http://user:pa55word@127.0.0.1:\(port)/services/data?q=SELECT+Id&access_token=s3cr3t#frag"
        let error = await #expect(throws: HTTPError.self) {
            try await client.execute(HTTPRequest(
                method: "POST", url: url,
                headers: ["Authorization": "Bearer t0ken-value"], body: Array("payload-body".utf8)))
        }
        let description = try #require(error).description
        #expect(description.contains("POST"))
        #expect(description.contains("http://127.0.0.1:\(port)/services/data"))
        for secret in ["s3cr3t", "access_token", "SELECT", "pa55word", "user:", "t0ken-value", "Bearer", "payload-body", "frag"] {
            #expect(!description.contains(secret), "description leaks \(secret)")
        }
    }

}

/// A TCP socket bound to a free port on 127.0.0.1, never listening.
private struct BoundSocket {
    let descriptor: Int32
    let port: Int

    struct Failed: Error {}

    init() throws {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failed() }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, length) }
        }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard bound == 0, named == 0 else { Glibc.close(fd); throw Failed() }
        descriptor = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(descriptor) }
}
