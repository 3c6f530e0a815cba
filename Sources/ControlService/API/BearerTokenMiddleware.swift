import Config
import CoreValues
import Foundation
import Hummingbird

/// `Authorization: Bearer <token>` on every `/api/*` call; 401 with a JSON error
/// otherwise. The comparison takes the same time whatever the first wrong byte.
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: Secret

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path == "/api" || path.hasPrefix("/api/") else {
            return try await next(request, context)
        }
        guard let presented = BearerToken.parse(request.headers[.authorization]),
              BearerToken.constantTimeEquals(Array(presented.utf8), Array(token.reveal().utf8)) else {
            var response = try JSONAnswer.response(
                APIErrorBody(APIError(
                    status: .unauthorized,
                    message: "missing or wrong API token: send Authorization: Bearer <CRMBRIDGE_API_TOKEN>")),
                status: .unauthorized)
            response.headers[.wwwAuthenticate] = "Bearer realm=\"crmbridge\""
            return response
        }
        return try await next(request, context)
    }
}

/// Reading and comparing bearer tokens.
enum BearerToken {
    /// The token of an `Authorization: Bearer <token>` header.
    static func parse(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let value = parts[1].trimmingCharacters(in: .whitespaces)
        return value.isEmpty ? nil : value
    }

    /// Compares every byte of the longer input, so timing tells nothing about where
    /// the inputs differ (only, at most, the expected length).
    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt64(a.count ^ b.count)
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= UInt64(x ^ y)
        }
        return difference == 0
    }
}
