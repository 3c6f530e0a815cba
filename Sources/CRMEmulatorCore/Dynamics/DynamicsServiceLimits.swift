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
    /// Execution time each written record adds to its request (a bulk message's targets,
    /// a `$batch`'s operations), milliseconds: the answer is held that long, so a bulk
    /// call's execution time grows with its size as on the real service (Microsoft's
    /// published figure is about 11 ms a record for CreateMultiple on a standard table).
    /// 0 (the default) adds nothing.
    public var millisecondsPerRecord: Double
    /// The `x-ms-dop-hint` answer header (recommended degree of parallelism); 0 sends none.
    public var degreeOfParallelismHint: Int

    public init(
        requests: Int = 6000, executionTimeMilliseconds: Int = 1_200_000, concurrentRequests: Int = 52, windowSeconds: Int = 300,
        millisecondsPerRecord: Double = 0, degreeOfParallelismHint: Int = 0
    ) {
        self.requests = requests
        self.executionTimeMilliseconds = executionTimeMilliseconds
        self.concurrentRequests = concurrentRequests
        self.windowSeconds = windowSeconds
        self.millisecondsPerRecord = millisecondsPerRecord
        self.degreeOfParallelismHint = degreeOfParallelismHint
    }

    /// Members left out keep their defaults (older admin clients send only the first four).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = DynamicsServiceLimits()
        requests = try container.decodeIfPresent(Int.self, forKey: .requests) ?? defaults.requests
        executionTimeMilliseconds = try container.decodeIfPresent(Int.self, forKey: .executionTimeMilliseconds) ?? defaults.executionTimeMilliseconds
        concurrentRequests = try container.decodeIfPresent(Int.self, forKey: .concurrentRequests) ?? defaults.concurrentRequests
        windowSeconds = try container.decodeIfPresent(Int.self, forKey: .windowSeconds) ?? defaults.windowSeconds
        millisecondsPerRecord = try container.decodeIfPresent(Double.self, forKey: .millisecondsPerRecord) ?? 0
        degreeOfParallelismHint = try container.decodeIfPresent(Int.self, forKey: .degreeOfParallelismHint) ?? 0
    }

    public var problems: [String] {
        var problems: [String] = []
        if requests < 1 { problems.append("requests must be at least 1") }
        if executionTimeMilliseconds < 1 { problems.append("executionTimeMilliseconds must be at least 1") }
        if concurrentRequests < 1 { problems.append("concurrentRequests must be at least 1") }
        if windowSeconds < 1 || windowSeconds > 86_400 { problems.append("windowSeconds must be between 1 and 86400") }
        if !(0...10_000).contains(millisecondsPerRecord) { problems.append("millisecondsPerRecord must be between 0 and 10000") }
        if degreeOfParallelismHint < 0 || degreeOfParallelismHint > 52 { problems.append("degreeOfParallelismHint must be between 0 and 52") }
        return problems
    }
}
