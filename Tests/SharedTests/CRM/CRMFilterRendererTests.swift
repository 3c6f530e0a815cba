@testable import CRMConnectors
import CoreValues
import Foundation
import Mapping
import Testing

/// Each connector renders the typed filter tree in its own language, literals escaped
/// for it; negation is a node, so `not` applies to the whole filter, whatever its shape.
@Suite struct CRMFilterRendererTests {
    private func valid(_ text: String, strings: Bool = false) throws -> FilterExpression {
        try FilterExpression.parse(text, allowStringComparisons: strings).get()
    }

    @Test func rendersTheSpecExampleInBothDialects() throws {
        let filter = try valid("statecode eq 0 and emailaddress1 ne null")
        #expect(CRMFilterRenderer.odata.render(filter) == "statecode eq 0 and emailaddress1 ne null")
        #expect(CRMFilterRenderer.soql.render(filter) == "statecode = 0 AND emailaddress1 != null")
    }

    @Test func rendersNestedLevelsNotAndEveryOperator() throws {
        let keywordPrefixes = try valid("(c lt 3 or c le 4) and or_field eq true and notes ne null")
        #expect(CRMFilterRenderer.soql.render(keywordPrefixes) == "(c < 3 OR c <= 4) AND or_field = true AND notes != null")
        let nested = try valid("(a gt 1 or b ge -2.5) and (c lt 3 or not (d eq false))")
        #expect(CRMFilterRenderer.odata.render(nested) == "(a gt 1 or b ge -2.5) and (c lt 3 or not (d eq false))")
        #expect(CRMFilterRenderer.soql.render(nested) == "(a > 1 OR b >= -2.5) AND (c < 3 OR NOT (d = false))")
    }

    @Test func rendersDatesInUTC() throws {
        let filter = try valid("modifiedon ge 2024-03-31T02:30:00+02:00 and birthdate lt 2000-01-01")
        #expect(CRMFilterRenderer.odata.render(filter) == "modifiedon ge 2024-03-31T00:30:00Z and birthdate lt 2000-01-01")
        #expect(CRMFilterRenderer.soql.render(filter) == "modifiedon >= 2024-03-31T00:30:00Z AND birthdate < 2000-01-01")
    }

    @Test func escapesStringLiteralsForEachLanguage() throws {
        let filter = try valid(#"lastname eq 'O''Bryan' or startswith(lastname,'50%_a''b\c')"#, strings: true)
        #expect(CRMFilterRenderer.odata.render(filter) == #"lastname eq 'O''Bryan' or startswith(lastname,'50%_a''b\c')"#)
        #expect(CRMFilterRenderer.soql.render(filter) == #"lastname = 'O\'Bryan' OR lastname LIKE '50\%\_a\'b\\c%'"#)
        let injection = try valid("lastname eq 'x'' or 1 eq 1 or ''y'", strings: true)
        #expect(CRMFilterRenderer.odata.render(injection) == "lastname eq 'x'' or 1 eq 1 or ''y'")
        #expect(CRMFilterRenderer.soql.render(injection) == #"lastname = 'x\' or 1 eq 1 or \'y'"#)
    }

    @Test func negationWrapsTheWholeFilterInBothDialects() throws {
        let filter = try valid("a eq 1 or b eq null")
        #expect(CRMFilterRenderer.odata.render(.not(filter)) == "not (a eq 1 or b eq null)")
        #expect(CRMFilterRenderer.soql.render(.not(filter)) == "NOT (a = 1 OR b = null)")
    }

    @Test func theReadPlansCombineTheNegatedFilterWithTheWindow() throws {
        let filter = try valid("donotbulkemail eq false and statecode eq 0")
        let dynamics = DynamicsConfiguration(
            organizationURL: "https://org.crm.dynamics.com/", tokenURL: "https://login/t/oauth2/v2.0/token",
            clientID: "id", clientSecret: Secret("s"))
        let odata = try DynamicsConnector.ReadPlan(
            CRMQuery(remoteObject: "contacts", filter: .not(filter)), configuration: dynamics)
        #expect(odata.userFilter == "(not (donotbulkemail eq false and statecode eq 0))")

        let salesforce = SalesforceConfiguration(instanceURL: "https://acme.my.salesforce.com", clientID: "id", clientSecret: Secret("s"))
        let plan = try SalesforceConnector.ReadPlan(
            CRMQuery(remoteObject: "Contact", filter: .not(filter), orderBy: [.init("LastName", descending: true)]),
            configuration: salesforce, fallbacks: SalesforceConnector.FallbackObjects())
        let window = ModifiedWindow(start: Date(timeIntervalSince1970: 1_704_067_200), end: Date(timeIntervalSince1970: 1_704_153_600))
        #expect(plan.soql(conditions: [SalesforceConnector.windowCondition(window, field: plan.modifiedField)])
            == "SELECT Id, SystemModstamp FROM Contact WHERE (NOT (donotbulkemail = false AND statecode = 0)) AND "
            + "SystemModstamp >= 2024-01-01T00:00:00Z AND SystemModstamp < 2024-01-02T00:00:00Z ORDER BY LastName DESC, Id")
    }

    @Test func refusesASortFieldThatIsNotAnIdentifier() {
        let dynamics = DynamicsConfiguration(
            organizationURL: "https://org.crm.dynamics.com/", tokenURL: "https://login/t/oauth2/v2.0/token",
            clientID: "id", clientSecret: Secret("s"))
        #expect(throws: CRMError.self) {
            try DynamicsConnector.ReadPlan(
                CRMQuery(remoteObject: "contacts", orderBy: [.init("lastname&$top=1")]), configuration: dynamics)
        }
    }
}
