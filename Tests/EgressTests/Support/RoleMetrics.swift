import Foundation
import HTTPBridge
import TestSupport

/// A role's `/metrics` on this machine, read as Prometheus text: `name{labels} value` lines.
struct RoleMetrics {
    let port: Int
    let http: HTTPClient

    /// The value of the series written exactly as `series` (name and labels); nil when absent.
    func value(_ series: String) async throws -> Double? {
        let response = try await http.execute(HTTPRequest(url: "http://127.0.0.1:\(port)/metrics", timeout: .seconds(10)))
        guard response.status == 200 else { throw TestStackError("/metrics answered \(response.status)") }
        for line in response.bodyText.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }
}
