import CCurl

/// libcurl's write and header callbacks: non-capturing C functions that find
/// their `CurlEasyHandle` through the user-data pointer (unretained: the loop
/// keeps the handle alive for the whole transfer). They run on the loop thread,
/// inside `curl_multi_perform`.
extension CurlEasyHandle {
    func installCallbacks() -> CURLcode {
        let context = Unmanaged.passUnretained(self).toOpaque()
        for code in [
            ccurl_easy_setopt_write_function(pointer, CURLOPT_WRITEFUNCTION, curlBodyCallback),
            ccurl_easy_setopt_pointer(pointer, CURLOPT_WRITEDATA, context),
            ccurl_easy_setopt_write_function(pointer, CURLOPT_HEADERFUNCTION, curlHeaderCallback),
            ccurl_easy_setopt_pointer(pointer, CURLOPT_HEADERDATA, context),
        ] where code != CURLE_OK {
            return code
        }
        return CURLE_OK
    }

    /// One header line as libcurl delivers it, CRLF included. A status line starts
    /// a new response (after `100 Continue` or a redirect), so only the headers of
    /// the last response remain.
    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        var line = Substring(String(decoding: bytes, as: UTF8.self))
        while let last = line.last, last == "\r\n" || last == "\n" || last == "\r" {
            line = line.dropLast()
        }
        if line.hasPrefix("HTTP/") {
            responseHeaders = HTTPHeaders()
            statusLineAt = .now
            return
        }
        guard !line.isEmpty else { return }
        if line.first == " " || line.first == "\t" {
            // Obsolete line folding: continues the previous field's value.
            responseHeaders.extendLastValue(with: Self.trimmed(line))
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        responseHeaders.add(String(line[..<colon]), Self.trimmed(line[line.index(after: colon)...]))
    }

    private static func trimmed(_ text: Substring) -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !isBlank($0) }),
            let last = text.lastIndex(where: { !isBlank($0) })
        else { return "" }
        return String(text[first...last])
    }
}

private func curlBodyCallback(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let context else { return 0 }
    let handle = Unmanaged<CurlEasyHandle>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    // Returning less than `length` makes libcurl abort the transfer.
    return handle.appendBody(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}

private func curlHeaderCallback(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let context else { return 0 }
    let handle = Unmanaged<CurlEasyHandle>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    handle.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
    return length
}
