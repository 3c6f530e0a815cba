import CCurl

/// Owns one libcurl easy handle (`CURL`) and the response it is receiving.
/// Confined to the transfer loop thread; reused for many transfers (`reset()`).
final class CurlEasyHandle {
    let pointer: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var headerList: CurlHeaderList?
    private var maxResponseBytes = Int.max

    // The response being received, filled by the callbacks in CurlEasyHandle+Callbacks.
    var responseHeaders = HTTPHeaders()
    var responseBody: [UInt8] = []
    var exceededResponseLimit = false
    /// When the transfer was handed to libcurl, and when the last status line of its
    /// answer arrived (`HTTPResponse.serverWait`).
    private var preparedAt: ContinuousClock.Instant?
    var statusLineAt: ContinuousClock.Instant?

    init?() {
        guard CurlGlobal.isInitialized, let easy = curl_easy_init() else { return nil }
        pointer = easy
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(pointer)
        errorBuffer.deallocate()
    }

    /// Configures the handle for `request`; `timeout` is what is left of its budget.
    func prepare(
        _ request: HTTPRequest, timeout: Duration, configuration: HTTPClient.Configuration
    ) -> HTTPError? {
        maxResponseBytes = configuration.maxResponseBytes
        errorBuffer[0] = 0
        preparedAt = .now
        let timeoutMs = CurlMilliseconds.of(timeout)
        let connectMs = min(timeoutMs, CurlMilliseconds.of(configuration.connectTimeout))
        var failed: [String] = []
        func check(_ code: CURLcode, _ option: String) {
            if code != CURLE_OK { failed.append(option) }
        }
        check(ccurl_easy_setopt_pointer(pointer, CURLOPT_ERRORBUFFER, errorBuffer), "ERRORBUFFER")
        check(ccurl_easy_setopt_string(pointer, CURLOPT_URL, request.url), "URL")
        check(ccurl_easy_setopt_string(pointer, CURLOPT_PROTOCOLS_STR, "http,https"), "PROTOCOLS_STR")
        check(ccurl_easy_setopt_string(pointer, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"), "REDIR_PROTOCOLS_STR")
        check(ccurl_easy_setopt_long(pointer, CURLOPT_NOSIGNAL, 1), "NOSIGNAL")
        check(ccurl_easy_setopt_long(pointer, CURLOPT_TIMEOUT_MS, timeoutMs), "TIMEOUT_MS")
        check(ccurl_easy_setopt_long(pointer, CURLOPT_CONNECTTIMEOUT_MS, connectMs), "CONNECTTIMEOUT_MS")
        check(ccurl_easy_setopt_long(pointer, CURLOPT_TCP_KEEPALIVE, 1), "TCP_KEEPALIVE")
        check(ccurl_easy_setopt_long(pointer, CURLOPT_FOLLOWLOCATION, configuration.followRedirects ? 1 : 0), "FOLLOWLOCATION")
        check(ccurl_easy_setopt_long(pointer, CURLOPT_MAXREDIRS, max(0, configuration.maxRedirects)), "MAXREDIRS")
        check(ccurl_easy_setopt_long(pointer, CURLOPT_SSL_VERIFYPEER, configuration.verifyTLS ? 1 : 0), "SSL_VERIFYPEER")
        check(ccurl_easy_setopt_long(pointer, CURLOPT_SSL_VERIFYHOST, configuration.verifyTLS ? 2 : 0), "SSL_VERIFYHOST")
        if let caBundle = configuration.caBundlePath {
            check(ccurl_easy_setopt_string(pointer, CURLOPT_CAINFO, caBundle), "CAINFO")
        }
        check(ccurl_easy_setopt_string(pointer, CURLOPT_USERAGENT, configuration.userAgent), "USERAGENT")
        check(ccurl_easy_setopt_string(pointer, CURLOPT_ACCEPT_ENCODING, ""), "ACCEPT_ENCODING")
        check(ccurl_easy_setopt_off_t(pointer, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(configuration.maxResponseBytes)), "MAXFILESIZE_LARGE")
        check(installCallbacks(), "callbacks")
        check(setMethodAndBody(request), "method/body")
        check(setHeaders(request.headers), "HTTPHEADER")
        guard failed.isEmpty else {
            return HTTPError(
                .invalidRequest, request: request,
                message: "libcurl refused option(s) \(failed.joined(separator: ", "))")
        }
        return nil
    }

    /// The outcome once libcurl reports the transfer done with `result`.
    func outcome(_ result: CURLcode, for request: HTTPRequest) -> Result<HTTPResponse, HTTPError> {
        if exceededResponseLimit || result == CURLE_FILESIZE_EXCEEDED {
            return .failure(HTTPError(
                .tooLarge, request: request,
                message: "response body exceeds the limit of \(maxResponseBytes) bytes"))
        }
        guard result == CURLE_OK else {
            return .failure(HTTPError(
                curlCode: result, request: request, detail: String(cString: errorBuffer)))
        }
        var status = 0
        _ = ccurl_easy_getinfo_long(pointer, CURLINFO_RESPONSE_CODE, &status)
        let response = HTTPResponse(status: status, headers: responseHeaders, body: responseBody, serverWait: serverWait())
        responseBody = []
        return .success(response)
    }

    /// From the request about to be sent (libcurl's pre-transfer time after the hand-over)
    /// to the answer's status line. libcurl's own start-transfer time cannot serve: for a
    /// request with a body it is when the upload starts, not when the answer does.
    private func serverWait() -> Duration? {
        guard let preparedAt, let statusLineAt else { return nil }
        var preTransfer = 0.0
        guard ccurl_easy_getinfo_double(pointer, CURLINFO_PRETRANSFER_TIME, &preTransfer) == CURLE_OK else { return nil }
        let sent = preparedAt + .microseconds(Int64(max(0, preTransfer) * 1_000_000))
        return max(.zero, statusLineAt - sent)
    }

    /// Forgets the last transfer's options and response, ready for the next one.
    /// Connections stay in the multi handle's cache.
    func reset() {
        curl_easy_reset(pointer)
        headerList = nil
        responseHeaders = HTTPHeaders()
        responseBody = []
        exceededResponseLimit = false
        preparedAt = nil
        statusLineAt = nil
        maxResponseBytes = Int.max
    }

    /// Appends received body bytes; false once the body outgrows the limit.
    func appendBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard responseBody.count + bytes.count <= maxResponseBytes else {
            exceededResponseLimit = true
            return false
        }
        responseBody.append(contentsOf: bytes)
        return true
    }

    private func setMethodAndBody(_ request: HTTPRequest) -> CURLcode {
        let method = request.method
        if method == "HEAD" {
            return ccurl_easy_setopt_long(pointer, CURLOPT_NOBODY, 1)
        }
        let sendsBody = request.body != nil || ["POST", "PUT", "PATCH"].contains(method)
        if sendsBody {
            let body = request.body ?? []
            var code = ccurl_easy_setopt_off_t(pointer, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            guard code == CURLE_OK else { return code }
            // COPYPOSTFIELDS: libcurl keeps its own copy for the whole transfer.
            code = body.isEmpty
                ? ccurl_easy_setopt_string(pointer, CURLOPT_COPYPOSTFIELDS, "")
                : body.withUnsafeBytes {
                    ccurl_easy_setopt_pointer(pointer, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress))
                }
            guard code == CURLE_OK else { return code }
            return method == "POST" ? CURLE_OK : ccurl_easy_setopt_string(pointer, CURLOPT_CUSTOMREQUEST, method)
        }
        if method == "GET" {
            return ccurl_easy_setopt_long(pointer, CURLOPT_HTTPGET, 1)
        }
        return ccurl_easy_setopt_string(pointer, CURLOPT_CUSTOMREQUEST, method)
    }

    private func setHeaders(_ headers: HTTPHeaders) -> CURLcode {
        let list = CurlHeaderList()
        var complete = true
        for field in headers {
            // "Name;" is libcurl's way to send a header with an empty value.
            complete = complete && list.append(field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)")
        }
        // No `Expect: 100-continue` round trip; no libcurl default Content-Type.
        if !headers.contains("Expect") { complete = complete && list.append("Expect:") }
        if !headers.contains("Content-Type") { complete = complete && list.append("Content-Type:") }
        guard complete else { return CURLE_OUT_OF_MEMORY }
        headerList = list
        return ccurl_easy_setopt_slist(pointer, CURLOPT_HTTPHEADER, list.pointer)
    }
}
