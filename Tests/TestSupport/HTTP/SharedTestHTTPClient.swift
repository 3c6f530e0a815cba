import HTTPBridge


/// One libcurl client for every test in the process: tests reach the emulator and the
/// control service through the project's own HTTP bridge.
public let sharedTestHTTPClient = HTTPClient()
