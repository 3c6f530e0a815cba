import Foundation
import Shared
import TestSupport

/// What the CRM holds, read independently of the product (plain HTTP and JSON), to
/// compare Campaign with.
enum CRMSnapshot {
    static func dynamicsContacts(_ stack: TestStack) async throws -> [String: [String: String?]] {
        let token = try await dynamicsToken(stack)
        var result: [String: [String: String?]] = [:]
        var url: String? = stack.emulator.baseURL + "/api/data/v9.2/contacts?$select=firstname,lastname,emailaddress1,telephone1,birthdate"
        while let next = url {
            var request = HTTPRequest(url: next)
            request.headers.add("Authorization", "Bearer \(token)")
            request.headers.add("Prefer", "odata.maxpagesize=5000")
            let response = try await stack.http.execute(request)
            guard response.status == 200,
                  let body = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
                  let value = body["value"] as? [[String: Any]] else {
                throw TestStackError("contacts page failed: \(response.status)")
            }
            for row in value {
                guard let id = row["contactid"] as? String else { continue }
                var fields: [String: String?] = [:]
                for key in ["firstname", "lastname", "emailaddress1", "telephone1", "birthdate"] {
                    fields[key] = row[key].flatMap { $0 is NSNull ? nil : "\($0)" }
                }
                result[id] = fields
            }
            url = body["@odata.nextLink"] as? String
        }
        return result
    }

    static func dynamicsToken(_ stack: TestStack) async throws -> String {
        let request = HTTPRequest.form(
            url: stack.emulator.baseURL + "/test-tenant/oauth2/v2.0/token",
            fields: [("client_id", "crmbridge-demo"), ("client_secret", "demo-secret"),
                     ("grant_type", "client_credentials"), ("scope", stack.emulator.baseURL + "/.default")])
        let response = try await stack.http.execute(request)
        guard let body = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
              let token = body["access_token"] as? String else {
            throw TestStackError("token failed: \(response.status)")
        }
        return token
    }
}
