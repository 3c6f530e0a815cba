import CoreValues
import Foundation
import Synchronization

/// The Microsoft identity platform's client-credentials grant, as far as a connector
/// sees it: `POST /{tenant}/oauth2/v2.0/token` with a form body, a bearer token with a
/// lifetime, `invalid_client` errors. Tokens can all be expired on demand.
final class DynamicsTokenService: Sendable {
    struct Settings: Sendable {
        var clientId: String
        var clientSecret: String
        var lifetime: Duration
    }

    /// An answer of the token endpoint: status and JSON body.
    struct Answer: Sendable {
        var status: Int
        var body: [String: DynamicsTokenJSON]
    }

    private struct State {
        var settings: Settings
        var tokens: [String: (clientId: String, organization: String, expiresAt: ContinuousClock.Instant)] = [:]
    }

    private let initial: Settings
    private let state: Mutex<State>

    init(settings: Settings) {
        initial = settings
        state = Mutex(State(settings: settings))
    }

    var lifetime: Duration {
        get { state.withLock { $0.settings.lifetime } }
        set { state.withLock { $0.settings.lifetime = newValue } }
    }

    func reset() {
        state.withLock { $0 = State(settings: initial) }
    }

    /// Every issued token expires now.
    func expireAll() {
        let now = ContinuousClock.now
        state.withLock { state in
            for key in state.tokens.keys { state.tokens[key]?.expiresAt = now }
        }
    }

    /// The client a valid `Authorization: Bearer …` header belongs to. A token issued for
    /// another organisation (its scope named another host) is not valid here: the Web API
    /// answers 401, as an organisation does for a token whose audience is not itself.
    func client(authorization: String?, organization: String) -> String? {
        guard let authorization, authorization.count > 7, authorization.prefix(7).lowercased() == "bearer " else { return nil }
        let token = String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        let now = ContinuousClock.now
        return state.withLock { state in
            guard let entry = state.tokens[token], entry.expiresAt > now, entry.organization == organization.lowercased() else { return nil }
            return entry.clientId
        }
    }

    /// The organisation a client-credentials scope names: the host (and port) of
    /// `https://<org>.crm.dynamics.com/.default`, lowercased; nil when the scope is not an
    /// http(s) URL followed by `/.default`.
    static func organization(ofScope scope: String) -> String? {
        guard scope.hasSuffix("/.default") else { return nil }
        let resource = scope.dropLast("/.default".count)
        let lowered = resource.lowercased()
        guard let schemeEnd = lowered.range(of: "://"), ["http", "https"].contains(String(lowered[..<schemeEnd.lowerBound])) else { return nil }
        let authority = lowered[schemeEnd.upperBound...].prefix { $0 != "/" }
        return authority.isEmpty ? nil : String(authority)
    }

    /// A token for `form`, asked at `organization` (the host the emulator is reached at,
    /// which is the organisation it plays).
    func issue(tenant: String, organization: String, form: [String: String]) -> Answer {
        let settings = state.withLock { $0.settings }
        guard form["grant_type"] == "client_credentials" else {
            return error(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '\(form["grant_type"] ?? "")'.")
        }
        guard let clientId = form["client_id"], !clientId.isEmpty else {
            return error(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.")
        }
        guard let scope = form["scope"], !scope.isEmpty else {
            return error(400, "invalid_request", 900144, "The request body must contain the following parameter: 'scope'.")
        }
        guard scope.hasSuffix("/.default") else {
            return error(400, "invalid_scope", 1002012, "The provided value for scope \(scope) is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).")
        }
        // The scope must name this organisation (`https://<org>.crm.dynamics.com/.default`),
        // not just end in `/.default`: the identity platform knows no other resource here.
        guard Self.organization(ofScope: scope) == organization.lowercased() else {
            let resource = String(scope.dropLast("/.default".count))
            return error(400, "invalid_resource", 500011, "The resource principal named \(resource) was not found in the tenant named \(tenant). This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.")
        }
        guard clientId == settings.clientId else {
            return error(400, "invalid_client", 700016, "Application with identifier '\(clientId)' was not found in the directory '\(tenant)'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.")
        }
        guard form["client_secret"] == settings.clientSecret else {
            return error(400, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '\(clientId)'.")
        }
        let seconds = max(0, Int(settings.lifetime.components.seconds))
        let token = makeToken(clientId: clientId, tenant: tenant, scope: scope, lifetimeSeconds: seconds)
        let expiresAt = ContinuousClock.now.advanced(by: settings.lifetime)
        state.withLock { $0.tokens[token] = (clientId, organization.lowercased(), expiresAt) }
        return Answer(status: 200, body: [
            "token_type": .string("Bearer"), "expires_in": .int(seconds), "ext_expires_in": .int(seconds),
            "access_token": .string(token),
        ])
    }

    /// A JWT-shaped token (header.payload.signature) with `aud`, `exp` and `appid`.
    private func makeToken(clientId: String, tenant: String, scope: String, lifetimeSeconds: Int) -> String {
        let now = Int(Date().timeIntervalSince1970)
        let audience = String(scope.dropLast("/.default".count))
        let header = #"{"typ":"JWT","alg":"RS256"}"#
        let payload = #"{"aud":"\#(audience)","iss":"https://sts.windows.net/\#(tenant)/","iat":\#(now),"nbf":\#(now),"exp":\#(now + lifetimeSeconds),"appid":"\#(clientId)","tid":"\#(tenant)","jti":"\#(UUID().uuidString.lowercased())"}"#
        var signature = [UInt8](repeating: 0, count: 32)
        for index in signature.indices { signature[index] = UInt8.random(in: 0...255) }
        return [Data(header.utf8), Data(payload.utf8), Data(signature)].map(Base64URL.encode).joined(separator: ".")
    }

    private func error(_ status: Int, _ code: String, _ number: Int, _ description: String) -> Answer {
        let trace = UUID().uuidString.lowercased()
        let timestamp = DynamicsDateTime.format(milliseconds: CivilCalendar.nowWholeSeconds())
        return Answer(status: status, body: [
            "error": .string(code),
            "error_description": .string("AADSTS\(number): \(description) Trace ID: \(trace) Correlation ID: \(trace) Timestamp: \(timestamp)"),
            "error_codes": .ints([number]),
            "timestamp": .string(timestamp.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "Z")),
            "trace_id": .string(trace), "correlation_id": .string(trace),
            "error_uri": .string("https://login.microsoftonline.com/error?code=\(number)"),
        ])
    }
}

/// The few JSON value kinds a token answer holds.
enum DynamicsTokenJSON: Encodable, Sendable {
    case string(String)
    case int(Int)
    case ints([Int])

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let text): try container.encode(text)
        case .int(let number): try container.encode(number)
        case .ints(let numbers): try container.encode(numbers)
        }
    }
}
