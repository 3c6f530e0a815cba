import CCurl

/// libcurl result codes become `HTTPError`s here and nowhere else.
extension HTTPError {
    init(curlCode: CURLcode, request: HTTPRequest, detail: String) {
        let message = detail.isEmpty ? String(cString: curl_easy_strerror(curlCode)) : detail
        self.init(
            code: Self.code(for: curlCode), curlCode: Int(curlCode.rawValue),
            method: request.method, url: request.url, message: message)
    }

    init(_ code: Code, request: HTTPRequest, message: String) {
        self.init(code: code, method: request.method, url: request.url, message: message)
    }

    /// The same by libcurl's documented number (libcurl-errors(3)), for callers that do
    /// not import libcurl.
    static func code(forCurlNumber number: Int) -> Code {
        code(for: CURLcode(rawValue: UInt32(clamping: number)))
    }

    static func code(for curlCode: CURLcode) -> Code {
        switch curlCode {
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout
        case CURLE_COULDNT_CONNECT:
            return .connectionRefused
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .couldNotResolveHost
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_SHUTDOWN_FAILED,
            CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS,
            CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED,
            CURLE_SSL_CRL_BADFILE, CURLE_USE_SSL_FAILED:
            return .tls
        case CURLE_SEND_ERROR, CURLE_SEND_FAIL_REWIND:
            return .sendFailed
        case CURLE_RECV_ERROR, CURLE_GOT_NOTHING:
            return .receiveFailed
        case CURLE_FILESIZE_EXCEEDED:
            return .tooLarge
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .invalidURL
        default:
            return .other
        }
    }
}
