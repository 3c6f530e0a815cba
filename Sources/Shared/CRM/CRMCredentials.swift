import HTTPBridge

/// OAuth 2.0 client-credentials of one CRM connection. The secret never appears in a
/// description, a dump or a log line.
public struct CRMCredentials: Sendable, Hashable {
    /// The token endpoint: Dynamics `https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token`,
    /// Salesforce `https://<my-domain>.my.salesforce.com/services/oauth2/token`.
    public var tokenURL: String
    public var clientID: String
    public var clientSecret: String
    /// The `scope` form field: Dynamics `<org url>/.default`; nil for Salesforce.
    public var scope: String?

    public init(tokenURL: String, clientID: String, clientSecret: String, scope: String? = nil) {
        self.tokenURL = tokenURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scope = scope
    }

    /// The form fields of a client-credentials token request.
    var formFields: [(String, String)] {
        var fields = [
            ("grant_type", "client_credentials"),
            ("client_id", clientID),
            ("client_secret", clientSecret),
        ]
        if let scope { fields.append(("scope", scope)) }
        return fields
    }
}

extension CRMCredentials: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "CRMCredentials(client: \(clientID), token URL: \(HTTPRequest(url: tokenURL).redactedURL), secret: <redacted>)"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["tokenURL": tokenURL, "clientID": clientID, "clientSecret": "<redacted>", "scope": scope as Any])
    }
}
