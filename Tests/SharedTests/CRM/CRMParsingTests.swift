@testable import CRMConnectors
@testable import CoreValues
import Foundation
import Testing

@Suite struct CRMParsingTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func readsDynamicsAndSalesforceDatetimesAsTheSameInstant() throws {
        let dynamics = try #require(CRMTimestamp.parse("2013-05-20T20:49:32Z"))
        let salesforce = try #require(CRMTimestamp.parse("2013-05-20T20:49:32.000+0000"))
        let offset = try #require(CRMTimestamp.parse("2013-05-20T22:49:32+02:00"))
        #expect(dynamics == salesforce)
        #expect(dynamics == offset)
        #expect(dynamics.timeIntervalSince1970 == 1_369_082_972)
    }

    @Test func refusesDatetimesWithoutZoneOrTime() {
        #expect(CRMTimestamp.parse("2013-05-20") == nil)
        #expect(CRMTimestamp.parse("2013-05-20T20:49:32") == nil)
        #expect(CRMTimestamp.parse("yesterday") == nil)
        #expect(CRMTimestamp.parse("") == nil)
    }

    @Test func writesQueryLiteralsInUTCWithMillisecondsOnlyWhenPresent() {
        #expect(CRMTimestamp.string(Date(timeIntervalSince1970: 1_369_082_972)) == "2013-05-20T20:49:32Z")
        #expect(CRMTimestamp.string(Date(timeIntervalSince1970: 1_369_082_972.25)) == "2013-05-20T20:49:32.25Z")
    }

    @Test func readsTheErrorShapesOfBothCRMsAndTheirTokenEndpoints() {
        let dynamics = CRMErrorBody.parse(bytes(#"{"error":{"code":"0x80040217","message":"contact Does Not Exist"}}"#))
        #expect(dynamics == CRMErrorBody(code: "0x80040217", message: "contact Does Not Exist"))
        let emptyCode = CRMErrorBody.parse(bytes(#"{"error":{"code":"","message":"Bad"}}"#))
        #expect(emptyCode == CRMErrorBody(code: nil, message: "Bad"))
        let oauth = CRMErrorBody.parse(bytes(#"{"error":"invalid_client","error_description":"AADSTS7000215"}"#))
        #expect(oauth == CRMErrorBody(code: "invalid_client", message: "AADSTS7000215"))
        let salesforce = CRMErrorBody.parse(bytes(#"[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"#))
        #expect(salesforce == CRMErrorBody(code: "INVALID_SESSION_ID", message: "Session expired or invalid"))
        #expect(CRMErrorBody.parse(bytes("<html>Bad gateway</html>")) == nil)
        #expect(CRMErrorBody.parse(bytes(#"{"error":{"code":"0x8004"#)) == nil)
        #expect(CRMErrorBody.parse([]) == nil)
    }

    @Test func readsADynamicsPageWithoutAnnotations() throws {
        let body = #"""
        {"@odata.context":"https://org/api/data/v9.2/$metadata#contacts(firstname,modifiedon)",
         "value":[{"@odata.etag":"W/\"72201545\"","contactid":"49b0be2e-0000-0000-0000-000000000001",
                   "firstname":"Ann","donotemail":false,"statecode":1,"revenue":12.5,"telephone1":null,
                   "modifiedon":"2023-04-07T21:59:01Z",
                   "statecode@OData.Community.Display.V1.FormattedValue":"Inactive"}],
         "@odata.nextLink":"https://org/api/data/v9.2/contacts?$skiptoken=abc"}
        """#
        let page = try DynamicsPageParser.page(bytes(body), idField: "contactid", modifiedField: "modifiedon", keepFormattedValues: false)
        #expect(page.nextLink == "https://org/api/data/v9.2/contacts?$skiptoken=abc")
        let record = try #require(page.records.first)
        #expect(record.id == "49b0be2e-0000-0000-0000-000000000001")
        #expect(record.modifiedAt == CRMTimestamp.parse("2023-04-07T21:59:01Z"))
        #expect(record.fields["firstname"] == .string("Ann"))
        #expect(record.fields["donotemail"] == .bool(false))
        #expect(record.fields["statecode"] == .number(JSONNumber(1)))
        #expect(record.fields["revenue"] == .number(try #require(JSONNumber("12.5"))))
        #expect(record.fields["telephone1"] == .null)
        #expect(record.fields["@odata.etag"] == nil)
        #expect(record.fields.keys.contains { $0.contains("@") } == false)
    }

    @Test func namesWhatIsWrongWithAnUnexpectedDynamicsAnswer() {
        let cases: [(String, String)] = [
            (#"{"value":[{"contactid":"a","modifiedon":"2023-04-07"#, "not valid JSON"),
            (#"{"@odata.context":"x"}"#, "no 'value'"),
            (#"{"value":{}}"#, "not an array"),
            (#"{"value":[{"firstname":"x","modifiedon":"2023-04-07T21:59:01Z"}]}"#, "no 'contactid'"),
            (#"{"value":[{"contactid":"a","modifiedon":"soon"}]}"#, "'modifiedon'"),
            (#"[1,2]"#, "not an object"),
        ]
        for (body, expected) in cases {
            #expect(throws: CRMJSON.Problem.self) {
                try DynamicsPageParser.page(Array(body.utf8), idField: "contactid", modifiedField: "modifiedon", keepFormattedValues: false)
            }
            do {
                _ = try DynamicsPageParser.page(Array(body.utf8), idField: "contactid", modifiedField: "modifiedon", keepFormattedValues: false)
            } catch {
                #expect(error.description.contains(expected), "\(error.description)")
            }
        }
    }

    @Test func readsDeletedAndChangedRowsOfADeltaPage() throws {
        let body = #"""
        {"@odata.context":"https://org/api/data/v9.2/$metadata#contacts(contactid)/$delta",
         "value":[{"contactid":"c1"},
                  {"@odata.context":"https://org/api/data/v9.2/$metadata#contacts/$deletedEntity","id":"d1","reason":"deleted"}],
         "@odata.deltaLink":"https://org/api/data/v9.2/contacts?$select=contactid&$deltatoken=919042%2108"}
        """#
        let page = try DynamicsPageParser.changePage(bytes(body), idField: "contactid")
        #expect(page.changedIDs == ["c1"])
        #expect(page.deletedIDs == ["d1"])
        #expect(page.deltaLink?.hasSuffix("$deltatoken=919042%2108") == true)
        #expect(page.nextLink == nil)
    }

    @Test func readsASalesforcePageFlatteningParentRecords() throws {
        let body = #"""
        {"totalSize":3,"done":false,"nextRecordsUrl":"/services/data/v60.0/query/01gD-2000",
         "records":[{"attributes":{"type":"Contact","url":"/services/data/v60.0/sobjects/Contact/003A"},
                     "Id":"003A00000000001AAA","Email":"a@example.com","HasOptedOutOfEmail":true,
                     "SystemModstamp":"2013-05-20T20:49:32.000+0000",
                     "Account":{"attributes":{"type":"Account","url":"/x"},"Name":"Acme"}}]}
        """#
        let page = try SalesforcePageParser.page(bytes(body), idField: "Id", modifiedField: "SystemModstamp")
        #expect(page.next == "/services/data/v60.0/query/01gD-2000")
        let record = try #require(page.records.first)
        #expect(record.id == "003A00000000001AAA")
        #expect(record.modifiedAt == CRMTimestamp.parse("2013-05-20T20:49:32Z"))
        #expect(record.fields["HasOptedOutOfEmail"] == .bool(true))
        #expect(record.fields["Account.Name"] == .string("Acme"))
        #expect(record.fields["attributes"] == nil)
    }

    @Test func refusesASalesforcePageThatIsNotDoneButHasNoNextURL() {
        #expect(throws: CRMJSON.Problem.self) {
            try SalesforcePageParser.page(Array(#"{"done":false,"records":[]}"#.utf8), idField: "Id", modifiedField: "SystemModstamp")
        }
    }

    @Test func readsGetDeletedAnswers() throws {
        let body = #"""
        {"deletedRecords":[{"id":"003A00000000001AAA","deletedDate":"2013-05-07T22:07:19.000+0000"}],
         "earliestDateAvailable":"2013-05-03T15:57:00.000+0000","latestDateCovered":"2013-05-08T21:20:00.000+0000"}
        """#
        let result = try SalesforcePageParser.deleted(bytes(body))
        #expect(result.records == [CRMDeletedRecord(id: "003A00000000001AAA", deletedAt: CRMTimestamp.parse("2013-05-07T22:07:19Z"))])
        #expect(result.latestDateCovered == CRMTimestamp.parse("2013-05-08T21:20:00Z"))
    }

    @Test func parsesAFiveThousandRecordPageQuickly() throws {
        var body = #"{"@odata.context":"x","value":["#
        for index in 0..<5000 {
            if index > 0 { body += "," }
            body += #"{"@odata.etag":"W/\"1\"","contactid":"49b0be2e-0000-0000-0000-\#(String(format: "%012d", index))","#
                + #""firstname":"First \#(index)","lastname":"Last","emailaddress1":"p\#(index)@example.com","#
                + #""telephone1":"+1 555 0100","donotemail":false,"donotbulkemail":true,"statecode":0,"statuscode":1,"#
                + #""birthdate":"1980-01-02","createdon":"2023-04-07T21:59:01Z","modifiedon":"2023-04-07T21:59:01Z"}"#
        }
        body += "]}"
        let data = bytes(body)
        let clock = ContinuousClock()
        var records = 0
        let elapsed = try clock.measure {
            records = try DynamicsPageParser.page(data, idField: "contactid", modifiedField: "modifiedon", keepFormattedValues: false).records.count
        }
        #expect(records == 5000)
        print("Parsed a 5000-record Dynamics page (\(data.count) bytes) in \(elapsed)")
        #expect(elapsed < .seconds(5))
    }
}
