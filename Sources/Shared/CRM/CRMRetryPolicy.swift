import Foundation

/// How a connector retries throttling (429), transient server trouble (502, 503, 504; 500
/// for reads and token requests), transport failures and truncated answers: `Retry-After` when the CRM sends one,
/// otherwise exponential backoff with jitter; at most `maxAttempts` sends per call.
public struct CRMRetryPolicy: Sendable, Hashable {
    /// Sends per call, the first included. Default 6.
    public var maxAttempts: Int
    /// Backoff before the second send; doubles each time. Default 250 ms.
    public var initialBackoff: Duration
    /// Ceiling of the exponential backoff. Default 30 s.
    public var maxBackoff: Duration
    /// Ceiling of an honoured `Retry-After` (Dynamics grows it for clients that keep
    /// sending). Default 5 minutes.
    public var maxRetryAfter: Duration

    public init(
        maxAttempts: Int = 6, initialBackoff: Duration = .milliseconds(250),
        maxBackoff: Duration = .seconds(30), maxRetryAfter: Duration = .seconds(300)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.maxRetryAfter = maxRetryAfter
    }

    /// The wait after failed send number `attempt` (1-based): half the exponential step
    /// plus a random half ("equal jitter"), so retrying clients spread out.
    func backoff(afterAttempt attempt: Int) -> Duration {
        let exponent = min(max(attempt - 1, 0), 20)
        let step = min(initialBackoff * (1 << exponent), maxBackoff)
        let half = step / 2
        return half + half * Double.random(in: 0...1)
    }

    /// The wait a `Retry-After` header asks for (delta-seconds or an HTTP date), capped
    /// at `maxRetryAfter`, with a little jitter on top; nil when absent or unreadable.
    func retryAfter(_ header: String?, now: Date = Date()) -> Duration? {
        guard let text = header?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        let wait: Duration
        if let seconds = Double(text), seconds.isFinite, seconds >= 0 {
            wait = .milliseconds(Int64(seconds * 1000))
        } else if let date = Self.httpDate(text) {
            wait = .milliseconds(Int64(max(0, date.timeIntervalSince(now)) * 1000))
        } else {
            return nil
        }
        return min(wait, maxRetryAfter) + .milliseconds(Int64.random(in: 0...100))
    }

    /// Whether a 500 is re-sent. Both CRMs answer 500 for "an error within the service"
    /// (Salesforce: "An error has occurred within Lightning Platform, so the request
    /// couldn't be completed"; Dataverse: a server-side failure such as a SQL timeout),
    /// which is often gone a moment later, but a 500 says nothing of whether a write was
    /// applied before it failed. So only calls without side effects repeat it: reads
    /// (`GET`) and token requests. Writes leave it to the role's next round, which sends
    /// its idempotent batch again. 501 (not implemented), 505 and the other 5xx never
    /// change by asking again and are not re-sent; 502, 503 and 504 are always
    /// (`CRMError.isRetriableStatus`). The decision is written in docs/crm-to-campaign.md.
    static func repeatsServerErrors(method: String, isTokenRequest: Bool) -> Bool {
        isTokenRequest || method.uppercased() == "GET"
    }

    private static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
