@testable import CRMConnectors
@testable import Config
import CoreValues
import Foundation
@testable import HTTPBridge
import Mapping
import TestSupport
import Testing

/// What a real Dataverse and Salesforce answer that the connectors once did not handle
/// (issue 14): each test fails without its fix.
@Suite struct ConnectorFidelityTests {
    // MARK: 1. An empty delta is an empty page

    @Test func emptyDeltaAnswerIsAPageWithoutRows() throws {
        for body in ["{}", "", " \r\n", #"{"@odata.context":"https://org.crm.dynamics.com/api/data/v9.2/$metadata#contacts/$delta"}"#] {
            let page = try DynamicsPageParser.changePage(Array(body.utf8), idField: "contactid")
            #expect(page.isEmpty && page.deltaLink == nil && page.nextLink == nil, "\(body)")
        }
        // Not JSON at all is still an error.
        #expect(throws: CRMJSON.Problem.self) { try DynamicsPageParser.changePage(Array("{\"value\":[".utf8), idField: "contactid") }
    }

    // MARK: 2. An expired delta token is told by its code

    @Test func expiredDeltaTokenIsRecognisedByItsCodeInAnyLanguage() async throws {
        let samples = try await DocumentationSampleServer.start()
        let path = "/api/data/v9.2/contacts"
        samples.server.route(DocumentationSampleServer.tenantTokenPath, try samples.reply("microsoft-token.json"))
        // Dataverse words its messages in the user's language; the code stays.
        samples.server.route(path, .json(#"{"error":{"code":"0x80044352","message":"Der Versionsstempel des Clients ist abgelaufen. Führen Sie eine vollständige Synchronisierung durch."}}"#, status: 400))
        let outcome = await Result.of {
            try await samples.dynamics().deletedRecords(
                CRMQuery(remoteObject: "contacts"), since: DeletionCheckpoint(rawValue: samples.baseURL + path + "?$deltatoken=7"), until: Date())
        }
        await samples.stop()
        let error = try #require(outcome.failure as? CRMError)
        #expect(error.code == .deltaTokenExpired)
        #expect(error.message.hasPrefix("the delta token has expired; a full resync is needed"))
    }

    // MARK: 3. SOQL datetimes in whole seconds

    @Test func salesforceWindowLiteralsAreWholeSeconds() async throws {
        let start = Date(timeIntervalSince1970: 1_717_243_200.789)
        let end = Date(timeIntervalSince1970: 1_717_246_800.25)
        let condition = SalesforceConnector.windowCondition(ModifiedWindow(start: start, end: end), field: "SystemModstamp")
        #expect(condition == "SystemModstamp >= 2024-06-01T12:00:00Z AND SystemModstamp < 2024-06-01T13:00:00Z")

        // The emulator refuses what the SOQL reference does not document: a window read
        // with milliseconds on both ends must still work, and find what it should.
        let fixture = try await CRMEmulatorFixture.start(seed: 140)
        defer { fixture.stop() }
        let connector = fixture.salesforce()
        let query = CRMQuery(remoteObject: "Contact", fields: ["LastName"], pageSize: 500)
        let all = try await collect(connector.pages(query, modifiedIn: nil)).records
        let stamps = all.map(\.modifiedAt).sorted()
        let from = stamps[stamps.count / 4].addingTimeInterval(0.321)
        let to = stamps[stamps.count * 3 / 4].addingTimeInterval(0.654)
        let window = try await collect(connector.pages(query, modifiedIn: ModifiedWindow(start: from, end: to))).records
        let wholeFrom = from.timeIntervalSince1970.rounded(.down)
        let wholeTo = to.timeIntervalSince1970.rounded(.down)
        let expected = all.filter { $0.modifiedAt.timeIntervalSince1970 >= wholeFrom && $0.modifiedAt.timeIntervalSince1970 < wholeTo }
        #expect(!window.isEmpty)
        #expect(Set(window.map(\.id)) == Set(expected.map(\.id)))
    }

    // MARK: 4. A purged getDeleted log is a resync, never a silent hole

    @Test func salesforceDeleteLogPurgedAfterTheCheckpointAsksForAResync() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 0)
        defer { fixture.stop() }
        let connector = fixture.salesforce()
        let query = CRMQuery(remoteObject: "Contact")
        let gone = try await fixture.admin("POST", "salesforce/late", json: #"{"object":"Contact","fields":{"LastName":"Gone"},"secondsAgo":120,"deleted":true}"#)
        let id = try #require((try JSONSerialization.jsonObject(with: Data(gone.body)) as? [String: Any])?["id"] as? String)
        let checkpoint = DeletionCheckpoint(rawValue: CRMTimestamp.string(Date().addingTimeInterval(-3600)))

        let complete = try await connector.deletedRecords(query, since: checkpoint, until: Date())
        #expect(complete.deleted.map(\.id) == [id])

        try await fixture.admin("POST", "salesforce/deleted/purge?object=Contact")
        let outcome = await Result.of { try await connector.deletedRecords(query, since: checkpoint, until: Date()) }
        let error = try #require(outcome.failure as? CRMError)
        #expect(error.code == .deleteLogPurged)
        #expect(error.message.contains("earliestDateAvailable"))
        #expect(!error.isPermanent)

        // Tracking started after the purge (the resync's new checkpoint) reads on.
        let fresh = DeletionCheckpoint(rawValue: CRMTimestamp.string(Date()))
        let after = try await connector.deletedRecords(query, since: fresh, until: Date().addingTimeInterval(180))
        #expect(after.deleted.isEmpty)
    }

    // MARK: 6. A polymorphic lookup's target type into a column

    @Test func dynamicsLookupLogicalNameIsReadAsItsOwnField() async throws {
        let fixture = try await CRMEmulatorFixture.start(seed: 60)
        defer { fixture.stop() }
        let client = TestCRMClient(kind: .dynamics, baseURL: fixture.emulator.baseURL, http: fixture.http)
        let parent = try await client.create("contacts", ["lastname": "Parent"])
        let child = try await client.create("contacts", ["lastname": "Child", "parentcustomerid_contact@odata.bind": "/contacts(\(parent))"])
        let annotation = "_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname"
        let query = CRMQuery(remoteObject: "contacts", fields: ["lastname", annotation], pageSize: 500)
        let records = try await collect(fixture.dynamics().pages(query, modifiedIn: nil)).records

        let byID = Dictionary(uniqueKeysWithValues: records.map { ($0.id, $0) })
        #expect(byID[child]?.fields[annotation] == .string("contact"))
        #expect(byID[child]?.fields["_parentcustomerid_value"] == .string(parent))
        let toAccounts = records.filter { $0.fields[annotation] == .string("account") }
        #expect(!toAccounts.isEmpty)
        // Every record with a parent names its type; none without one.
        #expect(records.allSatisfy { ($0.fields["_parentcustomerid_value"] ?? .null) == .null ? $0.fields[annotation] == nil : $0.fields[annotation] != nil })
        // Other annotations are not kept.
        #expect(records.allSatisfy { $0.fields.keys.allSatisfy { !$0.contains("@") || $0 == annotation } })
    }

    @Test func unknownAnnotationIsRefusedBeforeAnyCall() async throws {
        let query = CRMQuery(remoteObject: "contacts", fields: ["_parentcustomerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty"])
        #expect(throws: CRMError.self) {
            try DynamicsConnector.ReadPlan(query, configuration: DynamicsConfiguration(
                organizationURL: "https://org.crm.dynamics.com", tokenURL: "https://login.example/t", clientID: "c", clientSecret: Secret("s")))
        }
    }

    @Test func mappingTakesTheAnnotatedFieldAsItsRemoteName() {
        #expect(IdentifierRule.crmReadField.problem(with: "_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname") == nil)
        #expect(IdentifierRule.crmReadField.problem(with: "statuscode@OData.Community.Display.V1.FormattedValue") == nil)
        #expect(IdentifierRule.crmReadField.problem(with: "emailaddress1") == nil)
        #expect(IdentifierRule.crmReadField.problem(with: "_parentcustomerid_value@Unknown.Annotation")?.contains("unknown annotation") == true)
        #expect(IdentifierRule.crmReadField.problem(with: "bad name@Microsoft.Dynamics.CRM.lookuplogicalname") != nil)
        #expect(IdentifierRule.crmName.problem(with: "_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname") != nil)
        #expect(CRMMappingCheck.fieldsRead(by: EntityConfig(
            name: "contact", remoteObject: "contacts", remoteIdField: "contactid", lastModifiedField: "modifiedon", table: "profiles",
            fields: [FieldMapping(remote: "_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname", column: "parent_type")]))
            == ["contactid", "modifiedon", "_parentcustomerid_value"])
    }

    // MARK: 7. Which 5xx are retried

    @Test func serverErrorIsRetriedForReadsOnly() async throws {
        let samples = try await DocumentationSampleServer.start()
        let path = "/api/data/v9.2/contacts"
        samples.server.route(DocumentationSampleServer.tenantTokenPath, try samples.reply("microsoft-token.json"))
        samples.server.route(path, .json(#"{"error":{"code":"","message":"An unexpected error occurred."}}"#, status: 500),
                             try samples.reply("dynamics-query-last-page.json"))
        samples.server.route("/api/data/v9.2/$batch", .json(#"{"error":{"code":"","message":"An unexpected error occurred."}}"#, status: 500))
        samples.server.route("/api/data/v9.2/accounts", .json(#"{"error":{"code":"","message":"Not implemented."}}"#, status: 501))
        let connector = samples.dynamics()
        let read = await Result.of { try await collect(connector.pages(CRMQuery(remoteObject: "contacts"), modifiedIn: nil)) }
        let write = await Result.of {
            try await connector.exchange.perform(
                "batch contacts", tokens: connector.tokens,
                build: { _ in HTTPRequest(method: "POST", url: samples.baseURL + "/api/data/v9.2/$batch", body: []) },
                decode: { _ in () })
        }
        let unimplemented = await Result.of { try await collect(connector.pages(CRMQuery(remoteObject: "accounts"), modifiedIn: nil)) }
        let reads = samples.server.received(at: path).count
        let writes = samples.server.received(at: "/api/data/v9.2/$batch").count
        let unimplementedCalls = samples.server.received(at: "/api/data/v9.2/accounts").count
        await samples.stop()

        #expect(try read.get().records.isEmpty)
        #expect(reads == 2)
        let writeError = try #require(write.failure as? CRMError)
        #expect(writeError.status == 500 && writes == 1)
        #expect(!writeError.isPermanent)
        let unimplementedError = try #require(unimplemented.failure as? CRMError)
        #expect(unimplementedError.status == 501 && unimplementedCalls == 1)
    }

    @Test func serverErrorOfTheTokenEndpointIsRetried() async throws {
        let samples = try await DocumentationSampleServer.start()
        samples.server.route("/services/oauth2/token", .json(#"{"error":"server_error","error_description":"internal"}"#, status: 500),
                             try samples.reply("salesforce-token.json"))
        samples.server.route("/services/data/v60.0/query", try samples.reply("salesforce-query-page-2.json"))
        let read = await Result.of { try await collect(samples.salesforce().pages(CRMQuery(remoteObject: "Account"), modifiedIn: nil)) }
        let tokenRequests = samples.server.received(at: "/services/oauth2/token").count
        await samples.stop()
        #expect(try read.get().records.count == 2)
        #expect(tokenRequests == 2)
    }

    @Test func tokenEndpointThatKeepsFailingIsTransientNotACredentialsProblem() async throws {
        let samples = try await DocumentationSampleServer.start()
        samples.server.route("/services/oauth2/token", .json(#"{"error":"server_error","error_description":"internal"}"#, status: 500))
        let read = await Result.of { try await collect(samples.salesforce().pages(CRMQuery(remoteObject: "Account"), modifiedIn: nil)) }
        let tokenRequests = samples.server.received(at: "/services/oauth2/token").count
        await samples.stop()
        let error = try #require(read.failure as? CRMError)
        #expect(error.code != .authentication)
        #expect(error.status == 500)
        #expect(!error.isPermanent)
        #expect(tokenRequests == DocumentationSampleServer.retry.maxAttempts)
    }
}
