@testable import CRMConnectors
import CoreValues
import TestSupport
import Testing

/// An access token can expire more than once during one call's retries (a CRM answering
/// 503 for a while, tokens expiring meanwhile): each expiry gets its refresh. Only a fresh
/// token refused straight away is the credentials' fault.
@Suite struct TokenExpiryTests {
    private let path = "/api/data/v9.2/contacts"
    private let expired = ScriptedHTTPServer.Reply.json(#"{"error":{"code":"","message":"token expired"}}"#, status: 401)
    private let unavailable = ScriptedHTTPServer.Reply.json(#"{"error":{"code":"","message":"busy"}}"#, status: 503)

    @Test func aTokenThatExpiresAgainDuringTheRetriesOfOneCallIsRefreshedAgain() async throws {
        let samples = try await DocumentationSampleServer.start()
        samples.server.route(DocumentationSampleServer.tenantTokenPath, try samples.reply("microsoft-token.json"))
        samples.server.route(
            path, expired, unavailable, expired, try samples.reply("dynamics-query-page-1.json"),
            try samples.reply("dynamics-query-page-2.json"), try samples.reply("dynamics-query-last-page.json"))
        let query = CRMQuery(remoteObject: "contacts", fields: ["fullname"], pageSize: 2)
        let result = await Result.of { try await collect(samples.dynamics().pages(query, modifiedIn: nil)) }
        let tokenRequests = samples.server.received(at: DocumentationSampleServer.tenantTokenPath).count
        await samples.stop()

        #expect(try result.get().records.count == 4, "every record of the documented pages")
        #expect(tokenRequests == 3, "the first token and one refresh per expiry")
    }

    @Test func aFreshTokenRefusedStraightAwayFailsAsAnAuthenticationError() async throws {
        let samples = try await DocumentationSampleServer.start()
        samples.server.route(DocumentationSampleServer.tenantTokenPath, try samples.reply("microsoft-token.json"))
        samples.server.route(path, expired)
        let query = CRMQuery(remoteObject: "contacts", fields: ["fullname"], pageSize: 2)
        let result = await Result.of { try await collect(samples.dynamics().pages(query, modifiedIn: nil)) }
        let queries = samples.server.received(at: path).count
        await samples.stop()

        #expect(throws: CRMError.self) { try result.get() }
        if case .failure(let error as CRMError) = result {
            #expect(error.code == .authentication)
            #expect("\(error)".contains("a fresh token was refused too"))
        }
        #expect(queries == 2, "one refresh, no loop")
    }
}
