import CCurl
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

    @Test func curlCodesMapToErrorCodes() {
        #expect(HTTPError.code(for: CURLE_OPERATION_TIMEDOUT) == .timeout)
        #expect(HTTPError.code(for: CURLE_COULDNT_CONNECT) == .connectionRefused)
        #expect(HTTPError.code(for: CURLE_COULDNT_RESOLVE_HOST) == .couldNotResolveHost)
        #expect(HTTPError.code(for: CURLE_PEER_FAILED_VERIFICATION) == .tls)
        #expect(HTTPError.code(for: CURLE_SSL_CONNECT_ERROR) == .tls)
        #expect(HTTPError.code(for: CURLE_SEND_ERROR) == .sendFailed)
        #expect(HTTPError.code(for: CURLE_RECV_ERROR) == .receiveFailed)
        #expect(HTTPError.code(for: CURLE_GOT_NOTHING) == .receiveFailed)
        #expect(HTTPError.code(for: CURLE_FILESIZE_EXCEEDED) == .tooLarge)
        #expect(HTTPError.code(for: CURLE_URL_MALFORMAT) == .invalidURL)
        #expect(HTTPError.code(for: CURLE_UNSUPPORTED_PROTOCOL) == .invalidURL)
        #expect(HTTPError.code(for: CURLE_BAD_FUNCTION_ARGUMENT) == .other)
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
