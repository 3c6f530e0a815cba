import CoreValues
import Foundation
import HTTPTypes
import Hummingbird

/// `POST /services/oauth2/token`: the client credentials flow (body or HTTP
/// Basic), and the JWT bearer flow (the assertion's `iss` must be the client
/// id and `exp` in the future; the RS256 signature is not verified).
extension SalesforceEmulator {
    static let organizationID = "00DHn0000001CRMEAA"

    func token(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 1 << 20)
        var form = FormDecoding.dictionary(request.uri.query ?? "")
        for (name, value) in FormDecoding.decode(String(buffer: body)) where form[name] == nil { form[name] = value }
        if let (clientID, clientSecret) = Self.basicCredentials(request) {
            form["client_id"] = form["client_id"] ?? clientID
            form["client_secret"] = form["client_secret"] ?? clientSecret
        }
        // Each connected app runs as its own user.
        let apps = Dictionary([
            (configuration.clientID, (secret: configuration.clientSecret, user: SalesforceUsers.integration)),
            (configuration.personClientID, (secret: configuration.personClientSecret, user: SalesforceUsers.person)),
        ], uniquingKeysWith: { first, _ in first })
        let app = form["client_id"].flatMap { apps[$0] }
        switch form["grant_type"] {
        case "client_credentials":
            guard let app else {
                return tokenError("invalid_client_id", "client identifier invalid")
            }
            guard form["client_secret"] == app.secret else {
                return tokenError("invalid_client", "invalid client credentials")
            }
        case "urn:ietf:params:oauth:grant-type:jwt-bearer":
            guard let assertion = form["assertion"], let claims = Self.jwtClaims(assertion) else {
                return tokenError("invalid_grant", "invalid assertion")
            }
            guard let issuer = claims["iss"] as? String, apps[issuer] != nil else {
                return tokenError("invalid_client_id", "client identifier invalid")
            }
            form["client_id"] = issuer
            guard let expiry = claims["exp"] as? Double, expiry * 1000 > Double(CivilCalendar.nowWholeSeconds()) else {
                return tokenError("invalid_grant", "expired authorization code")
            }
        case nil:
            return tokenError("unsupported_grant_type", "grant type not supported")
        default:
            return tokenError("unsupported_grant_type", "grant type not supported")
        }
        let user = form["client_id"].flatMap { apps[$0]?.user } ?? SalesforceUsers.integration
        return issueToken(instanceURL: Self.instanceURL(request), user: user)
    }

    private func issueToken(instanceURL: String, user: String) -> Response {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let token = "\(Self.organizationID.prefix(15))!" + Self.randomText(length: 96)
        state.withLock { $0.sessions.add(token, issuedAt: CivilCalendar.nowWholeSeconds(), userID: user) }
        var json = SalesforceJSONWriter(capacity: 512)
        json.raw("{\"access_token\":")
        json.string(token)
        json.raw(",\"instance_url\":")
        json.string(instanceURL)
        json.raw(",\"id\":")
        json.string("\(instanceURL)/id/\(Self.organizationID)/\(user)")
        json.raw(",\"token_type\":\"Bearer\",\"issued_at\":")
        json.string(String(now))
        json.raw(",\"signature\":")
        json.string(Data(Self.randomText(length: 32).utf8).base64EncodedString())
        json.raw("}")
        return salesforceResponse(json, headers: [.cacheControl: "no-cache,must-revalidate,max-age=0,no-store,private"])
    }

    /// `{"error":"…","error_description":"…"}` with 400, as the token endpoint answers.
    private func tokenError(_ error: String, _ description: String) -> Response {
        var json = SalesforceJSONWriter(capacity: 128)
        json.raw("{\"error\":")
        json.string(error)
        json.raw(",\"error_description\":")
        json.string(description)
        json.raw("}")
        return salesforceResponse(json, status: .badRequest)
    }

    /// The base URL the request came to (its `Host`), so `instance_url` points back here.
    static func instanceURL(_ request: Request) -> String {
        let host = request.head.authority ?? "127.0.0.1"
        let scheme = request.headers[SalesforceHeaders.forwardedProto] ?? "http"
        return "\(scheme)://\(host)"
    }

    private static func basicCredentials(_ request: Request) -> (String, String)? {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("basic "),
              let data = Data(base64Encoded: String(header.dropFirst(6))),
              let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return nil }
        return (FormDecoding.decodeComponent(text[..<colon]),
                FormDecoding.decodeComponent(text[text.index(after: colon)...]))
    }

    private static func jwtClaims(_ assertion: String) -> [String: Any]? {
        let parts = assertion.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        guard let data = Base64URL.decode(parts[1]) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    private static func randomText(length: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }
}
