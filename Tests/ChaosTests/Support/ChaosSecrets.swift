import Foundation
import TestSupport
import Testing

/// The secrets of a chaos stack and the grep every scenario runs over all output: the CRM
/// client secret, the database password (the roles get a URL with one; the test server
/// trusts local connections, so any password is accepted), the API token, and any bearer
/// or access token a role could have printed.
enum ChaosSecrets {
    static let databasePassword = "chaos-db-password-5f1c9e"
    static let clientSecret = "demo-secret"
    static let apiToken = "chaos-api-token-0d8a41b7e2"

    /// The Campaign URL with the password in it, as an operator's would be.
    static func databaseURL(_ url: String) -> String {
        url.replacingOccurrences(of: "://postgres@", with: "://postgres:\(databasePassword)@")
    }

    /// The roles' environment: the stack's, with the password in the database URL.
    static func environment(_ stack: TestStack) -> [String: String] {
        var environment = stack.environment
        environment["CAMPAIGN_DATABASE_URL"] = databaseURL(stack.databaseURL)
        return environment
    }

    /// What must never appear in `text`, each with a name for the failure message.
    static func leaks(in text: String) -> [String] {
        var found: [String] = []
        for (name, secret) in [("the CRM client secret", clientSecret), ("the database password", databasePassword),
                               ("the API token", apiToken), ("an access token", "access_token")] where text.contains(secret) {
            found.append(name)
        }
        // `Bearer <something>`: an Authorization header's value.
        if text.range(of: #"Bearer [A-Za-z0-9._~+/=-]{8,}"#, options: .regularExpression) != nil {
            found.append("a bearer token")
        }
        return found
    }

    static func expectNoneIn(_ text: String, stack: TestStack, what: String) {
        let leaks = leaks(in: text)
        #expect(leaks.isEmpty, "\(what) hold \(leaks.joined(separator: ", "))")
    }
}
