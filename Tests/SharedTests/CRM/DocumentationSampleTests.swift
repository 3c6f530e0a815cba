@testable import CRMConnectors
import CoreValues
import Foundation
@testable import HTTPBridge
import TestSupport
import Testing

/// The connectors read the sample answers of Microsoft's and Salesforce's documentation
/// exactly as documented: ids, links followed, deletes seen, errors mapped. The answers
/// come from a plain HTTP server, not the emulator, so the emulator's own reading of the
/// documentation is not what is tested here.
@Suite struct DocumentationSampleTests {
    // MARK: Dynamics 365 / Dataverse

    @Test func dynamicsQueryFollowsTheDocumentedNextLinksUntilThereIsNone() async throws {
        let samples = try await DocumentationSampleServer.start()
        let path = "/api/data/v9.2/contacts"
        samples.server.route(DocumentationSampleServer.tenantTokenPath, try samples.reply("microsoft-token.json"))
        samples.server.route(path, try samples.reply("dynamics-query-page-1.json"), try samples.reply("dynamics-query-page-2.json"),
                             try samples.reply("dynamics-query-last-page.json"))
        let query = CRMQuery(remoteObject: "contacts", fields: ["fullname"], pageSize: 2)
        let result = await Result.of { try await collect(samples.dynamics().pages(query, modifiedIn: nil)) }
        let requests = samples.server.received(at: path)
        await samples.stop()

        let read = try result.get()
        #expect(read.records.map(\.id) == [
            "49b0be2e-d01c-ed11-b83e-000d3a572421", "70bf4d48-34cb-ed11-b596-0022481d68cd",
            "72bf4d48-34cb-ed11-b596-0022481d68cd", "74bf4d48-34cb-ed11-b596-0022481d68cd",
        ])
        #expect(read.records.first?.fields["fullname"] == .string("Yvonne McKay (sample)"))
        #expect(read.records.allSatisfy { $0.fields["@odata.etag"] == nil })
        #expect(requests.count == 3)
        // The links are followed as given ("Don't change the @odata.nextLink URL value").
        let first = try skipToken(samples.sample("dynamics-query-page-1.json"))
        let second = try skipToken(samples.sample("dynamics-query-page-2.json"))
        #expect(requests.dropFirst().map { $0.query("$skiptoken") } == [first, second])
        #expect(requests.allSatisfy { $0.header("Prefer")?.contains("odata.maxpagesize=2") == true })
        #expect(requests.allSatisfy { $0.header("Authorization") == "Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsIng1dCI6Ik1uQ19WWmNBVGZNNXBP..." })
    }

    @Test func dynamicsChangeTrackingSeesTheDeletedEntityAndAnEmptyDeltaKeepsTheLink() async throws {
        let samples = try await DocumentationSampleServer.start()
        let path = "/api/data/v9.0/accounts"
        samples.server.route(DocumentationSampleServer.tenantTokenPath, try samples.reply("microsoft-token.json"))
        samples.server.route(path, try samples.reply("dynamics-delta-initial.json"), try samples.reply("dynamics-delta-changes.json"),
                             try samples.reply("dynamics-delta-empty.json"))
        let connector = samples.dynamics(webAPIVersion: "v9.0")
        let query = CRMQuery(remoteObject: "accounts", idField: "accountid")
        let outcome = await Result.of { () async throws -> [CRMDeletions] in
            let start = try await connector.deletedRecords(query, since: nil, until: Date())
            let changes = try await connector.deletedRecords(query, since: start.checkpoint, until: Date())
            let nothing = try await connector.deletedRecords(query, since: changes.checkpoint, until: Date())
            return [start, changes, nothing]
        }
        let requests = samples.server.received(at: path)
        await samples.stop()

        let scans = try outcome.get()
        #expect(scans[0].deleted.isEmpty)
        #expect(scans[0].checkpoint.rawValue == samples.baseURL
            + "/api/data/v9.0/accounts?$select=name,accountnumber,telephone1,fax&$deltatoken=919042%2108%2f22%2f2017%2008%3a10%3a44")
        #expect(scans[1].deleted.map(\.id) == ["2e451703-c686-e711-80e5-00155db19e6d"])
        #expect(scans[1].changedIDs == ["60c4e274-0d87-e711-80e5-00155db19e6d"])
        let second = samples.baseURL + "/api/data/v9.0/accounts?$select=name,telephone1,fax&$deltatoken=919058%2108%2f22%2f2017%2008%3a21%3a20"
        #expect(scans[1].checkpoint.rawValue == second)
        // "An empty JSON response is returned if no table changes have occurred": nothing
        // deleted, and the same link asked again next time.
        #expect(scans[2].deleted.isEmpty && scans[2].changedIDs.isEmpty)
        #expect(scans[2].checkpoint.rawValue == second)
        #expect(requests.map { $0.query("$deltatoken") } == [nil, "919042!08/22/2017 08:10:44", "919058!08/22/2017 08:21:20"])
        #expect(requests.allSatisfy { $0.header("Prefer")?.contains("odata.track-changes") == true })
    }

    @Test func dynamicsExpiredVersionStampAsksForAFullResync() async throws {
        let samples = try await DocumentationSampleServer.start()
        let path = "/api/data/v9.2/contacts"
        samples.server.route(DocumentationSampleServer.tenantTokenPath, try samples.reply("microsoft-token.json"))
        samples.server.route(path, try samples.reply("dynamics-error-expired-version-stamp.json", status: 400))
        let outcome = await Result.of {
            try await samples.dynamics().deletedRecords(
                CRMQuery(remoteObject: "contacts"), since: DeletionCheckpoint(rawValue: samples.baseURL + path + "?$deltatoken=1"), until: Date())
        }
        await samples.stop()
        let error = try #require(outcome.failure as? CRMError)
        #expect(error.code == .deltaTokenExpired)
        #expect(error.remoteCode == "0x80044352")
        #expect(!error.isPermanent)
    }

    @Test func dynamicsErrorBodiesMapToTheirCodeAndMessageAnEmptyCodeToNone() async throws {
        let samples = try await DocumentationSampleServer.start()
        samples.server.route(DocumentationSampleServer.tenantTokenPath, try samples.reply("microsoft-token.json"))
        samples.server.route("/api/data/v9.2/accounts", try samples.reply("dynamics-error-plugin.json", status: 400))
        samples.server.route("/api/data/v9.2/contacts", try samples.reply("dynamics-error-empty-code.json", status: 404))
        let connector = samples.dynamics()
        let plugin = await Result.of { try await collect(connector.pages(CRMQuery(remoteObject: "accounts"), modifiedIn: nil)) }
        let empty = await Result.of { try await collect(connector.pages(CRMQuery(remoteObject: "contacts"), modifiedIn: nil)) }
        await samples.stop()

        let pluginError = try #require(plugin.failure as? CRMError)
        #expect(pluginError.status == 400)
        #expect(pluginError.remoteCode == "0x80040265")
        #expect(pluginError.message == "Example Error Message.")
        #expect(pluginError.isPermanent)
        let emptyError = try #require(empty.failure as? CRMError)
        #expect(emptyError.status == 404)
        #expect(emptyError.remoteCode == nil)
        #expect(emptyError.message == "<A message describing the error>")
        #expect(emptyError.description.contains("HTTP 404"))
    }

    @Test func dynamicsBatchStoppedByAFailingOperationMapsThatOperationsError() async throws {
        let samples = try await DocumentationSampleServer.start()
        let path = "/api/data/v9.2/$batch"
        samples.server.route(DocumentationSampleServer.tenantTokenPath, try samples.reply("microsoft-token.json"))
        samples.server.route(path, try samples.multipartReply(
            "dynamics-batch-error.http", status: 400, boundary: "batchresponse_156da4b8-cd2c-4862-a911-4aaab97c001a"))
        let connector = samples.dynamics()
        let body = DynamicsBatch.body(
            [.init(method: "POST", url: samples.baseURL + "/api/data/v9.2/tasks", body: Array(#"{"subject":"x"}"#.utf8))],
            boundary: "batch_sample")
        let outcome = await Result.of {
            try await connector.exchange.perform(
                "batch tasks", tokens: connector.tokens,
                build: { _ in
                    HTTPRequest(method: "POST", url: samples.baseURL + path,
                                headers: ["Content-Type": "multipart/mixed;boundary=batch_sample"], body: body)
                },
                decode: { _ in () })
        }
        let sent = samples.server.received(at: path).count
        await samples.stop()
        let error = try #require(outcome.failure as? CRMError)
        #expect(error.status == 400)
        #expect(error.remoteCode == "0x80044331")
        #expect(error.message.hasPrefix("A validation error occurred. The length of the 'subject' attribute"))
        #expect(error.isPermanent)
        #expect(sent == 1)
    }

    @Test func microsoftTokenErrorIsAnAuthenticationFailureNamingTheScope() async throws {
        let samples = try await DocumentationSampleServer.start()
        samples.server.route(DocumentationSampleServer.tenantTokenPath, try samples.reply("microsoft-token-error.json", status: 400))
        let outcome = await Result.of { try await collect(samples.dynamics().pages(CRMQuery(remoteObject: "contacts"), modifiedIn: nil)) }
        await samples.stop()
        let error = try #require(outcome.failure as? CRMError)
        #expect(error.code == .authentication)
        #expect(error.remoteCode == "invalid_scope")
        #expect(error.message.hasPrefix("AADSTS70011: The provided value for the input parameter 'scope' is not valid."))
        #expect(error.isPermanent)
    }

    // MARK: Salesforce

    @Test func salesforceQueryFollowsTheRelativeNextRecordsUrl() async throws {
        let samples = try await DocumentationSampleServer.start()
        samples.server.route("/services/oauth2/token", try samples.reply("salesforce-token.json"))
        samples.server.route("/services/data/v60.0/query", try samples.reply("salesforce-query-page-1.json"))
        samples.server.route("/services/data/v60.0/query/01gD0000002HU6KIAW-2000", try samples.reply("salesforce-query-page-2.json"))
        let connector = samples.salesforce()
        let result = await Result.of { try await collect(connector.pages(CRMQuery(remoteObject: "Account", fields: ["Name"]), modifiedIn: nil)) }
        let token = await Result.of { try await connector.tokens.token() }
        let requests = samples.server.received.filter { $0.path.hasPrefix("/services/data/") }
        await samples.stop()

        let read = try result.get()
        #expect(read.records.map(\.id) == ["001D000000IRFmaIAH", "001D000000IomazIAB", "001D000000IRFmaIAI", "001D000000IomazIAC"])
        #expect(read.records.first?.fields["Name"] == .string("Test 1"))
        #expect(read.records.allSatisfy { $0.fields["attributes"] == nil })
        #expect(requests.map(\.path) == ["/services/data/v60.0/query", "/services/data/v60.0/query/01gD0000002HU6KIAW-2000"])
        #expect(requests.last?.uri == "/services/data/v60.0/query/01gD0000002HU6KIAW-2000")
        #expect(requests.allSatisfy { $0.header("Authorization") == "Bearer your_access_token" })
        // No `expires_in`: the token is kept until the CRM refuses it.
        #expect(try token.get().expiresAt == nil)
        #expect(try token.get().instanceURL == samples.baseURL)
    }

    @Test func salesforceGetUpdatedAndGetDeletedReadAsDocumented() async throws {
        let samples = try await DocumentationSampleServer.start()
        samples.server.route("/services/oauth2/token", try samples.reply("salesforce-token.json"))
        samples.server.route("/services/data/v60.0/sobjects/Merchandise__c/updated/", try samples.reply("salesforce-get-updated.json"))
        samples.server.route("/services/data/v60.0/sobjects/Merchandise__c/deleted/", try samples.reply("salesforce-get-deleted.json"))
        let connector = samples.salesforce()
        let start = try #require(CRMTimestamp.parse("2013-05-05T00:00:00Z"))
        let end = try #require(CRMTimestamp.parse("2013-05-10T00:00:00Z"))
        let updated = await Result.of { try await connector.getUpdated("Merchandise__c", window: start...end, now: end) }
        let deleted = await Result.of { try await connector.getDeleted("Merchandise__c", window: start...end, now: end) }
        let scan = await Result.of {
            try await connector.deletedRecords(
                CRMQuery(remoteObject: "Merchandise__c"), since: DeletionCheckpoint(rawValue: "2013-05-05T00:00:00Z"), until: end)
        }
        let requests = samples.server.received.filter { $0.path.hasPrefix("/services/data/") }
        await samples.stop()

        #expect(try updated.get().ids == ["a00D0000008pQR5IAM", "a00D0000008pQRGIA2", "a00D0000008pQRFIA2"])
        #expect(try updated.get().latestDateCovered == CRMTimestamp.parse("2013-05-08T21:20:00Z"))
        let log = try deleted.get()
        #expect(log.records == [CRMDeletedRecord(id: "a00D0000008pQRAIA2", deletedAt: CRMTimestamp.parse("2013-05-07T22:07:19Z"))])
        #expect(log.earliestDateAvailable == CRMTimestamp.parse("2013-05-03T15:57:00Z"))
        #expect(log.latestDateCovered == CRMTimestamp.parse("2013-05-08T21:20:00Z"))
        // The log reaches back before the window (05-03 < 05-05): the deletes are complete,
        // and the next scan starts where this one was covered.
        #expect(try scan.get().deleted.map(\.id) == ["a00D0000008pQRAIA2"])
        #expect(try scan.get().checkpoint.rawValue == "2013-05-08T21:20:00Z")
        #expect(requests.first?.query("start") == "2013-05-05T00:00:00Z")
        #expect(requests.first?.query("end") == "2013-05-10T00:00:00Z")
    }

    @Test func salesforceErrorArraysMapToTheirCode() async throws {
        let samples = try await DocumentationSampleServer.start()
        samples.server.route("/services/oauth2/token", try samples.reply("salesforce-token.json"))
        samples.server.route("/services/data/v60.0/query", try samples.reply("salesforce-error-session.json", status: 401))
        samples.server.route("/services/data/v60.0/sobjects/Contact/updated/", try samples.reply("salesforce-error-request-limit.json", status: 403))
        let connector = samples.salesforce()
        let session = await Result.of { try await collect(connector.pages(CRMQuery(remoteObject: "Contact"), modifiedIn: nil)) }
        let now = Date()
        let limit = await Result.of { try await connector.getUpdated("Contact", window: now.addingTimeInterval(-600)...now) }
        let tokenRequests = samples.server.received(at: "/services/oauth2/token").count
        await samples.stop()

        let expired = try #require(session.failure as? CRMError)
        #expect(expired.code == .authentication)
        #expect(expired.remoteCode == "INVALID_SESSION_ID")
        #expect(expired.message.hasPrefix("Session expired or invalid"))
        #expect(expired.isPermanent)
        // One refresh after the first 401, never a loop.
        #expect(tokenRequests == 2)
        let spent = try #require(limit.failure as? CRMError)
        #expect(spent.status == 403)
        #expect(spent.remoteCode == "REQUEST_LIMIT_EXCEEDED")
        #expect(spent.message == "TotalRequests Limit exceeded.")
        #expect(!spent.isPermanent)
    }

    @Test func salesforceTokenErrorIsAnAuthenticationFailure() async throws {
        let samples = try await DocumentationSampleServer.start()
        samples.server.route("/services/oauth2/token", try samples.reply("salesforce-token-error.json", status: 400))
        let outcome = await Result.of { try await collect(samples.salesforce().pages(CRMQuery(remoteObject: "Contact"), modifiedIn: nil)) }
        await samples.stop()
        let error = try #require(outcome.failure as? CRMError)
        #expect(error.code == .authentication)
        #expect(error.remoteCode == "invalid_grant")
        #expect(error.message == "authentication failure")
        #expect(!error.description.contains("sample-consumer-secret"))
    }

    /// The `$skiptoken` of a sample page's `@odata.nextLink`, decoded.
    private func skipToken(_ page: String) throws -> String? {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(page.utf8)) as? [String: Any])
        let link = try #require(object["@odata.nextLink"] as? String)
        let query = try #require(link.split(separator: "?", maxSplits: 1).last)
        let value = query.split(separator: "&").first { $0.hasPrefix("$skiptoken=") }?.dropFirst("$skiptoken=".count)
        return value.map(String.init)?.removingPercentEncoding
    }
}

extension Result where Failure == any Error {
    /// The outcome of `body`, success or error, for assertions after cleanup.
    static func of(_ body: () async throws -> Success) async -> Result<Success, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }

    var failure: (any Error)? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
