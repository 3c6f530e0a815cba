/// Service protection limits per client over a sliding window. Defaults are Microsoft's
/// documented ones: 6000 requests and 1,200,000 ms of execution time per 5 minutes,
/// 52 concurrent requests. Set small through `PUT /admin/dynamics/limits` to test 429s.
public struct DynamicsServiceLimits: Codable, Sendable, Equatable {
    /// Requests (each `$batch` operation counts) per window (`0x80072322`).
    public var requests: Int
    /// Combined execution time per window, milliseconds (`0x80072321`).
    public var executionTimeMilliseconds: Int
    /// Requests in flight at once (`0x80072326`).
    public var concurrentRequests: Int
    /// The sliding window, seconds.
    public var windowSeconds: Int

    public init(requests: Int = 6000, executionTimeMilliseconds: Int = 1_200_000, concurrentRequests: Int = 52, windowSeconds: Int = 300) {
        self.requests = requests
        self.executionTimeMilliseconds = executionTimeMilliseconds
        self.concurrentRequests = concurrentRequests
        self.windowSeconds = windowSeconds
    }

    public var problems: [String] {
        var problems: [String] = []
        if requests < 1 { problems.append("requests must be at least 1") }
        if executionTimeMilliseconds < 1 { problems.append("executionTimeMilliseconds must be at least 1") }
        if concurrentRequests < 1 { problems.append("concurrentRequests must be at least 1") }
        if windowSeconds < 1 || windowSeconds > 86_400 { problems.append("windowSeconds must be between 1 and 86400") }
        return problems
    }
}
