import Foundation
import HTTPBridge
import TestSupport

/// The control service of a chaos stack, its own process as `make run` starts it, with the
/// API token of `ChaosSecrets`, called over HTTP with the product's libcurl client.
final class ControlProcess: Sendable {
    let process: RoleProcessHandle
    let baseURL: String
    let http: HTTPClient

    init(stack: TestStack) async throws {
        let port = try TestPostgres.freePort()
        var environment = ChaosSecrets.environment(stack)
        environment["CRMBRIDGE_API_TOKEN"] = ChaosSecrets.apiToken
        process = try RoleProcessHandle("ControlService", ["serve", "--port", "\(port)"], environment: environment)
        baseURL = "http://127.0.0.1:\(port)"
        http = stack.http
        try await eventually("the control service to answer /healthz (\(process.log.suffix(500)))", timeout: .seconds(60)) {
            guard process.isRunning else { throw TestStackError("the control service exited: \(process.log.suffix(1000))") }
            return try await self.call("GET", "/healthz", token: nil).status == 200
        }
    }

    /// One call; `token` nil sends no Authorization header.
    func call(
        _ method: String, _ path: String, token: String? = ChaosSecrets.apiToken, body: String? = nil,
        contentType: String = "application/json", authorization: String? = nil
    ) async throws -> HTTPResponse {
        var request = HTTPRequest(method: method, url: baseURL + path, body: body.map { Array($0.utf8) })
        if let authorization { request.headers.add("Authorization", authorization) } else if let token {
            request.headers.add("Authorization", "Bearer \(token)")
        }
        if body != nil { request.headers.add("Content-Type", contentType) }
        return try await http.execute(request)
    }

    func stop() { process.terminate() }
}
