import Foundation
import HTTPBridge

/// The control service's HTTP API, over the libcurl client. Every answer that is not a
/// success becomes a `CLIError` with the service's own `error` message.
struct ControlClient: Sendable {
    let endpoint: ControlEndpoint
    let http: HTTPClient

    init(endpoint: ControlEndpoint) {
        self.endpoint = endpoint
        http = HTTPClient(configuration: .init(connectTimeout: .seconds(5)))
    }

    /// The answer's JSON body, parsed (object or array).
    @discardableResult
    func json(_ method: String, _ path: String, body: Any? = nil, allow: Set<Int> = []) async throws -> Any {
        let response = try await send(method, path, body: body)
        guard response.isSuccess || allow.contains(response.status) else { throw failure(response) }
        do {
            return try JSONSerialization.jsonObject(with: Data(response.body), options: [.fragmentsAllowed])
        } catch {
            throw CLIError("the control service answered \(method) \(path) with something that is not JSON")
        }
    }

    /// The answer decoded as `T`.
    func decode<T: Decodable>(_ type: T.Type, _ method: String, _ path: String, body: Any? = nil) async throws -> T {
        let response = try await send(method, path, body: body)
        guard response.isSuccess else { throw failure(response) }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(T.self, from: Data(response.body))
        } catch {
            throw CLIError("the control service's answer to \(method) \(path) is not what this crmbridge expects (\(error))")
        }
    }

    func send(_ method: String, _ path: String, body: Any? = nil, rawBody: [UInt8]? = nil, contentType: String? = nil) async throws -> HTTPBridge.HTTPResponse {
        var headers = HTTPHeaders()
        headers.add("Authorization", "Bearer \(endpoint.token)")
        headers.add("Accept", "application/json")
        var bytes = rawBody
        if let body {
            bytes = Array(try JSONSerialization.data(withJSONObject: body, options: [.fragmentsAllowed]))
            headers.add("Content-Type", "application/json")
        } else if let contentType {
            headers.add("Content-Type", contentType)
        }
        let request = HTTPBridge.HTTPRequest(method: method, url: endpoint.baseURL + path, headers: headers, body: bytes, timeout: .seconds(60))
        do {
            return try await http.execute(request)
        } catch let error as HTTPError {
            throw CLIError("cannot reach the control service at \(endpoint.baseURL) (\(error.message)); is it running (make run)?")
        }
    }

    func failure(_ response: HTTPBridge.HTTPResponse) -> CLIError {
        let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        let message = object?["error"] as? String ?? "the control service answered HTTP \(response.status)"
        var details: [String] = []
        for problem in object?["problems"] as? [[String: Any]] ?? [] {
            let path = (problem["path"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? "(document)"
            let line = (problem["line"] as? Int).map { "line \($0): " } ?? ""
            details.append("  \(line)\(path): \(problem["message"] as? String ?? "")")
        }
        if response.status == 401 {
            return CLIError("the control service refused the API token (check CRMBRIDGE_API_TOKEN or .crmbridge/stack.env)")
        }
        return CLIError(message, details: details)
    }
}
