import CCurl

/// Owns a libcurl `curl_slist` of request header lines; freed in deinit.
/// Must outlive the transfer that uses it.
final class CurlHeaderList {
    private(set) var pointer: UnsafeMutablePointer<curl_slist>?

    init() {}

    /// Appends one raw line ("Name: value"). False if libcurl could not allocate it.
    @discardableResult
    func append(_ line: String) -> Bool {
        guard let extended = curl_slist_append(pointer, line) else { return false }
        pointer = extended
        return true
    }

    deinit {
        curl_slist_free_all(pointer)
    }
}
