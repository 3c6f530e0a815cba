/// `application/x-www-form-urlencoded` decoding (query strings and token request
/// bodies): pairs split on `&` and the first `=`, `+` is a space, `%XX` a byte.
/// Malformed escapes stay as written.
enum FormDecoding {
    /// The pairs in order; a pair without `=` has an empty value.
    static func decode(_ text: some StringProtocol) -> [(name: String, value: String)] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            if let equals = pair.firstIndex(of: "=") {
                return (decodeComponent(pair[..<equals]), decodeComponent(pair[pair.index(after: equals)...]))
            }
            return (decodeComponent(pair), "")
        }
    }

    /// The first value of each name.
    static func dictionary(_ text: some StringProtocol) -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in decode(text) where result[name] == nil { result[name] = value }
        return result
    }

    /// One name or value: `+` is a space.
    static func decodeComponent(_ text: some StringProtocol) -> String {
        PercentEncoding.decode(text, plusIsSpace: true)
    }
}
