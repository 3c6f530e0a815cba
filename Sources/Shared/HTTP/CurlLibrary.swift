import CCurl

/// The libcurl this build links against, for `--version` and logs.
public enum CurlLibrary {
    public static var version: String { String(cString: curl_version()) }
}
