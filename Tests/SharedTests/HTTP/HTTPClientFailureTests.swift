import Shared
import Testing
import TestSupport

/// Transport failures: each gives a clear `HTTPError` without secrets.
@Suite struct HTTPClientFailureTests {
    @Test func closedPortGivesConnectionRefused() async throws {
        let port = try await closedPort()
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
        let port = try await closedPort()
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

    /// A port that was just listening and is now closed.
    private func closedPort() async throws -> Int {
        let server = try await LocalHTTPServer.start()
        await server.stop()
        return server.port
    }
}
