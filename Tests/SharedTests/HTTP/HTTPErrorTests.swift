@testable import HTTPBridge
import Testing

@Suite struct HTTPErrorTests {
    @Test func redactedURLDropsCredentialsQueryAndFragment() {
        #expect(HTTPRequest.redact("https://u:p@h.example.org:8443/a/b?token=x#f") == "https://h.example.org:8443/a/b")
        #expect(HTTPRequest.redact("https://h/a?b@c") == "https://h/a")
        #expect(HTTPRequest.redact("http://h/path@x") == "http://h/path@x")
        #expect(HTTPRequest.redact("not a url?secret") == "not a url")
    }

    @Test func descriptionScrubsAQueryQuotedByLibcurl() {
        let error = HTTPError(
            code: .other, curlCode: 3, method: "GET", url: "https://h/x?key=s3cr3t",
            message: "bad URL https://h/x?key=s3cr3t and ?key=s3cr3t")
        #expect(!error.description.contains("s3cr3t"))
        #expect(error.description.hasPrefix("HTTP GET https://h/x failed: other (curl 3)"))
    }

    /// Numbers from libcurl-errors(3): the test reads them as a user of libcurl would.
    @Test func curlCodesMapToErrorCodes() {
        #expect(HTTPError.code(forCurlNumber: 28) == .timeout)
        #expect(HTTPError.code(forCurlNumber: 7) == .connectionRefused)
        #expect(HTTPError.code(forCurlNumber: 6) == .couldNotResolveHost)
        #expect(HTTPError.code(forCurlNumber: 60) == .tls)
        #expect(HTTPError.code(forCurlNumber: 35) == .tls)
        #expect(HTTPError.code(forCurlNumber: 55) == .sendFailed)
        #expect(HTTPError.code(forCurlNumber: 56) == .receiveFailed)
        #expect(HTTPError.code(forCurlNumber: 52) == .receiveFailed)
        #expect(HTTPError.code(forCurlNumber: 63) == .tooLarge)
        #expect(HTTPError.code(forCurlNumber: 3) == .invalidURL)
        #expect(HTTPError.code(forCurlNumber: 1) == .invalidURL)
        #expect(HTTPError.code(forCurlNumber: 43) == .other)
    }

    @Test func transientFailuresAreRetriableAndPermanentOnesAreNot() {
        func error(_ code: HTTPError.Code, curl: Int = 0) -> HTTPError {
            HTTPError(code: code, curlCode: curl, method: "GET", url: "http://h/", message: "")
        }
        for code in [HTTPError.Code.timeout, .connectionRefused, .couldNotResolveHost, .sendFailed, .receiveFailed] {
            #expect(error(code).isRetriable, "\(code)")
        }
        for code in [HTTPError.Code.tls, .tooLarge, .invalidURL, .invalidRequest, .clientShutdown] {
            #expect(!error(code).isRetriable, "\(code)")
        }
        #expect(error(.other, curl: 92).isRetriable)
        #expect(!error(.other, curl: 43).isRetriable)
    }
}
