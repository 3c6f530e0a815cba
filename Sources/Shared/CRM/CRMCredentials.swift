import CoreValues
import HTTPBridge

/// OAuth 2.0 client-credentials of one CRM connection. The secret stays a `Secret` until
/// `tokenRequest()` writes it into the form body it sends; it never appears in a
/// description, a dump or a log line.
public struct CRMCredentials: Sendable, Hashable {
    /// The token endpoint: Dynamics `https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token`,
    /// Salesforce `https://<my-domain>.my.salesforce.com/services/oauth2/token`.
    public var tokenURL: String
    public var clientID: String
    public var clientSecret: Secret
    /// The `scope` form field: Dynamics `<org url>/.default`; nil for Salesforce.
    public var scope: String?

    public init(tokenURL: String, clientID: String, clientSecret: Secret, scope: String? = nil) {
        self.tokenURL = tokenURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scope = scope
    }

    /// The client-credentials token request: the one place the secret is revealed, as a
    /// field of the form body (which `HTTPRequest` never shows: its description and mirror
    /// give the body's size only).
    func tokenRequest() -> HTTPRequest {
        var fields = [
            ("grant_type", "client_credentials"),
            ("client_id", clientID),
            ("client_secret", clientSecret.reveal()),
        ]
        if let scope { fields.append(("scope", scope)) }
        var request = HTTPRequest.form(url: tokenURL, fields: fields)
        request.headers.replace("Accept", "application/json")
        return request
    }
}

extension CRMCredentials: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "CRMCredentials(client: \(clientID), token URL: \(HTTPRequest(url: tokenURL).redactedURL), secret: \(clientSecret))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: [
            "tokenURL": HTTPRequest(url: tokenURL).redactedURL, "clientID": clientID, "clientSecret": clientSecret,
            "scope": scope as Any,
        ])
    }
}
