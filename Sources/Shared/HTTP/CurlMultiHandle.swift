import CCurl

/// Process-wide libcurl initialisation, done once before the first handle.
enum CurlGlobal {
    static let isInitialized: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK
}

/// Owns one libcurl multi handle (`CURLM`). Used by the transfer loop thread
/// only, except `wakeup()`, which libcurl allows from any thread.
final class CurlMultiHandle {
    private var pointer: UnsafeMutableRawPointer?

    init?(maxConnectionsPerHost: Int, maxTotalConnections: Int, maxIdleConnections: Int) {
        guard CurlGlobal.isInitialized, let multi = curl_multi_init() else { return nil }
        pointer = multi
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, max(1, maxConnectionsPerHost))
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, max(1, maxTotalConnections))
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(1, maxIdleConnections))
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
    }

    /// Starts driving `easy`. Returns libcurl's message on failure.
    func add(_ easy: CurlEasyHandle) -> String? {
        guard let pointer else { return "multi handle is closed" }
        let code = curl_multi_add_handle(pointer, easy.pointer)
        return code == CURLM_OK ? nil : String(cString: curl_multi_strerror(code))
    }

    func remove(_ easy: CurlEasyHandle) {
        guard let pointer else { return }
        _ = curl_multi_remove_handle(pointer, easy.pointer)
    }

    /// Moves every transfer as far as it can go without blocking.
    func perform() {
        guard let pointer else { return }
        var running: Int32 = 0
        _ = curl_multi_perform(pointer, &running)
    }

    /// The next finished transfer: its easy handle and result, nil when none is left.
    func nextCompleted() -> (easy: UnsafeMutableRawPointer, result: CURLcode)? {
        guard let pointer else { return nil }
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(pointer, &remaining) {
            if message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle {
                return (easy, message.pointee.data.result)
            }
        }
        return nil
    }

    /// Blocks until socket activity, a libcurl timeout, `wakeup()`, or `milliseconds`.
    func poll(milliseconds: Int) {
        guard let pointer else { return }
        _ = curl_multi_poll(pointer, nil, 0, Int32(clamping: milliseconds), nil)
    }

    /// Interrupts a `poll` from another thread. The caller guarantees the handle
    /// is not closed concurrently (the loop calls it under its lock).
    func wakeup() {
        guard let pointer else { return }
        _ = curl_multi_wakeup(pointer)
    }

    /// Frees the handle and closes cached connections. Remove every easy handle first.
    func close() {
        guard let pointer else { return }
        _ = curl_multi_cleanup(pointer)
        self.pointer = nil
    }

    deinit {
        close()
    }
}
