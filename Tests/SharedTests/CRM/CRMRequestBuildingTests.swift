@testable import CRMConnectors
@testable import Config
import CoreValues
import Foundation
@testable import HTTPBridge
import Logging
import Mapping
import Testing

@Suite struct CRMRequestBuildingTests {
    private let dynamics = DynamicsConfiguration(
        organizationURL: "https://org.crm.dynamics.com/", tokenURL: "https://login/t/oauth2/v2.0/token",
        clientID: "id", clientSecret: Secret("s3cr3t"))

    @Test func guessesDataverseIdFieldsFromEntitySetNames() {
        #expect(DynamicsConnector.ReadPlan.guessIDField(entitySet: "contacts") == "contactid")
        #expect(DynamicsConnector.ReadPlan.guessIDField(entitySet: "opportunities") == "opportunityid")
        #expect(DynamicsConnector.ReadPlan.guessIDField(entitySet: "new_addresses") == "new_addressid")
        #expect(DynamicsConnector.ReadPlan.guessIDField(entitySet: "accounts") == "accountid")
    }

    @Test func buildsAnODataQueryWithIdAndModifiedFieldsAndADeterministicOrder() throws {
        let query = CRMQuery(
            remoteObject: "contacts", fields: ["firstname", "modifiedon"], filter: try FilterExpression.parse("statecode eq 0").get())
        let plan = try DynamicsConnector.ReadPlan(query, configuration: dynamics)
        #expect(plan.select == ["contactid", "modifiedon", "firstname"])
        #expect(plan.orderBy == ["modifiedon", "contactid"])
        let url = plan.url(filter: plan.userFilter)
        #expect(url == "https://org.crm.dynamics.com/api/data/v9.2/contacts?%24select=contactid%2Cmodifiedon%2Cfirstname"
            + "&%24filter=%28statecode%20eq%200%29&%24orderby=modifiedon%2Ccontactid")
        #expect(dynamics.credentials.scope == "https://org.crm.dynamics.com/.default")
    }

    @Test func refusesObjectAndFieldNamesThatAreNotIdentifiers() {
        #expect(throws: CRMError.self) {
            try DynamicsConnector.ReadPlan(CRMQuery(remoteObject: "contacts?$top=1"), configuration: dynamics)
        }
        #expect(throws: CRMError.self) {
            try DynamicsConnector.ReadPlan(CRMQuery(remoteObject: "contacts", fields: ["a,b"]), configuration: dynamics)
        }
    }

    @Test func buildsSOQLWithTheWindowAndAnIdTieBreaker() throws {
        let configuration = SalesforceConfiguration(instanceURL: "https://acme.my.salesforce.com", clientID: "id", clientSecret: Secret("s"))
        let plan = try SalesforceConnector.ReadPlan(
            CRMQuery(remoteObject: "Contact", fields: ["Email"], filter: try FilterExpression.parse("HasOptedOutOfEmail eq false").get()),
            configuration: configuration, fallbacks: SalesforceConnector.FallbackObjects())
        let window = ModifiedWindow(start: Date(timeIntervalSince1970: 1_704_067_200), end: Date(timeIntervalSince1970: 1_704_153_600))
        #expect(plan.soql(conditions: [SalesforceConnector.windowCondition(window, field: plan.modifiedField)])
            == "SELECT Id, SystemModstamp, Email FROM Contact WHERE (HasOptedOutOfEmail = false) AND "
            + "SystemModstamp >= 2024-01-01T00:00:00Z AND SystemModstamp < 2024-01-02T00:00:00Z ORDER BY SystemModstamp, Id")
        #expect(plan.batchSize == 1000)
    }

    @Test func appendsTheIdToACustomOrder() {
        let query = CRMQuery(remoteObject: "Contact", orderBy: [.init("LastName", descending: true)])
        #expect(query.effectiveOrder(idField: "Id", modifiedField: "SystemModstamp").map(\.soql) == ["LastName DESC", "Id"])
        #expect(query.effectiveOrder(idField: "Id", modifiedField: "SystemModstamp").map(\.odata) == ["LastName desc", "Id"])
    }

    @Test func chunksIdTermsUnderTheBudgetAndCount() throws {
        let chunks = try #require(CRMIDChunks.split(termLengths: Array(repeating: 10, count: 25), separatorLength: 2, budget: 58, maxCount: 100))
        #expect(chunks == [0..<5, 5..<10, 10..<15, 15..<20, 20..<25])
        let counted = try #require(CRMIDChunks.split(termLengths: Array(repeating: 1, count: 7), separatorLength: 1, budget: 1000, maxCount: 3))
        #expect(counted == [0..<3, 3..<6, 6..<7])
        #expect(CRMIDChunks.split(termLengths: [5, 50], separatorLength: 1, budget: 20, maxCount: 10) == nil)
    }

    @Test func honoursRetryAfterInSecondsOrAsAnHTTPDateWithinTheCap() throws {
        let policy = CRMRetryPolicy(maxRetryAfter: .seconds(10))
        let seconds = try #require(policy.retryAfter("2"))
        #expect(seconds >= .seconds(2) && seconds <= .milliseconds(2100))
        let capped = try #require(policy.retryAfter("3600"))
        #expect(capped <= .milliseconds(10_100))
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let date = try #require(policy.retryAfter("Tue, 14 Nov 2023 22:13:25 GMT", now: now))
        #expect(date >= .seconds(4) && date <= .milliseconds(5100))
        #expect(policy.retryAfter("soon") == nil)
        #expect(policy.retryAfter(nil) == nil)
    }

    @Test func backsOffExponentiallyWithJitterUpToTheCeiling() {
        let policy = CRMRetryPolicy(initialBackoff: .milliseconds(100), maxBackoff: .seconds(1))
        for _ in 0..<20 {
            let first = policy.backoff(afterAttempt: 1)
            #expect(first >= .milliseconds(50) && first <= .milliseconds(100))
            let late = policy.backoff(afterAttempt: 12)
            #expect(late >= .milliseconds(500) && late <= .seconds(1))
        }
    }

    @Test func neverPrintsTheClientSecret() {
        let credentials = dynamics.credentials
        #expect(!credentials.description.contains("s3cr3t"))
        #expect(!String(reflecting: credentials).contains("s3cr3t"))
        var dumped = ""
        dump(credentials, to: &dumped)
        #expect(!dumped.contains("s3cr3t"))
        let token = OAuthToken(accessToken: "eyJhbGciOi.secret")
        #expect(!token.description.contains("secret"))
    }
}

extension CRMRequestBuildingTests {
    @Test func buildsConnectorsFromTheConfiguredConnection() throws {
        let dynamicsConnection = CRMConnection(
            kind: .dynamics, url: try #require(URL(string: "https://org.crm.dynamics.com/")),
            tokenURL: try #require(URL(string: "https://login.microsoftonline.com/t/oauth2/v2.0/token")),
            clientID: "app", clientSecret: Secret("s3cr3t"), scope: nil, apiVersion: "9.2")
        let dynamics = dynamicsConnection.dynamicsConfiguration()
        #expect(dynamics.webAPIURL == "https://org.crm.dynamics.com/api/data/v9.2/")
        #expect(dynamics.credentials.scope == "https://org.crm.dynamics.com/.default")
        #expect(dynamics.credentials.clientSecret.reveal() == "s3cr3t")

        let salesforceConnection = CRMConnection(
            kind: .salesforce, url: try #require(URL(string: "https://acme.my.salesforce.com")),
            tokenURL: try #require(URL(string: "https://acme.my.salesforce.com/services/oauth2/token")),
            clientID: "app", clientSecret: Secret("s3cr3t"), scope: nil, apiVersion: "60.0")
        let salesforce = salesforceConnection.salesforceConfiguration()
        #expect(salesforce.dataPath == "/services/data/v60.0")
        #expect(salesforce.credentials.scope == nil)
        let connector = salesforceConnection.makeSourceConnector(http: HTTPClient(), logger: Logger(label: "test"))
        #expect(connector.system == "salesforce")
        #expect(connector.defaultModifiedField == "SystemModstamp")
    }
}
