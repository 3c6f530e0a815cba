import Foundation
import HTTPBridge

/// A role process's `/healthz` and `/metrics` on this machine (its `--metrics-port`), read
/// as a probe or a scraper would.
public struct RoleEndpointClient: Sendable {
    public let port: Int
    public let http: HTTPClient

    public init(port: Int, http: HTTPClient) {
        self.port = port
        self.http = http
    }

    public struct Answer: Sendable {
        public let status: Int
        public let text: String

        public var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        }

        /// `/healthz`'s reasons per dependency that is not ready.
        public var notReady: [String: String] { json["notReady"] as? [String: String] ?? [:] }
        /// `/healthz`'s dependencies that are ready.
        public var ready: [String] { (json["ready"] as? [String])?.sorted() ?? [] }
    }

    public func get(_ path: String) async throws -> Answer {
        let response = try await http.execute(HTTPRequest(url: "http://127.0.0.1:\(port)\(path)", timeout: .seconds(10)))
        return Answer(status: response.status, text: response.bodyText)
    }

    public func healthz() async throws -> Answer { try await get("/healthz") }

    public func metrics() async throws -> PrometheusText {
        let answer = try await get("/metrics")
        guard answer.status == 200 else { throw TestStackError("/metrics answered \(answer.status)") }
        return PrometheusText(answer.text)
    }
}

/// The Prometheus text format, read as a person would: `name{labels} value` lines.
public struct PrometheusText: Sendable {
    public let lines: [String]

    public init(_ text: String) {
        lines = text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
    }

    /// The value of the series written exactly as `series` (name and labels).
    public func value(_ series: String) -> Double? {
        for line in lines where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }
}
