@testable import CRMConnectors
@testable import CoreValues
import Foundation
import Testing

/// The byte-level page reader must give exactly what the `JSONSerialization` path gives,
/// and must hand over (return nil) whenever it cannot be sure.
@Suite struct CRMFlatPageScannerTests {
    private static let scalars = #"""
        "firstname":"Zoë","lastname":"O\"Brien \\ \u00e9\n","donotemail":false,"allow":true,"telephone1":null,
        "n1":1,"n2":-5,"n3":0,"n4":12.5,"n5":1.0,"n6":1e2,"n7":-0.25,"n8":123456789012345678,
        "n9":3.141592653589793,"n10":1E-7,"n11":2.5e20,"n12":0.1
        """#

    private static let dynamicsPage = #"""
        {"@odata.context":"https://org/api/data/v9.2/$metadata#contacts",
         "value":[
          {"@odata.etag":"W/\"1\"","contactid":"c-1",\#(scalars),"modifiedon":"2023-04-07T21:59:01Z",
           "statecode@OData.Community.Display.V1.FormattedValue":"Inactive"},
          {"contactid":"c-2","modifiedon":"2023-04-07T21:59:02.123Z","firstname":""}
         ],
         "@odata.nextLink":"https://org/api/data/v9.2/contacts?$skiptoken=abc"}
        """#

    private static let salesforcePage = #"""
        {"totalSize":2,"done":false,"nextRecordsUrl":"/services/data/v59.0/query/01g-2000",
         "records":[
          {"attributes":{"type":"Contact","url":"/services/data/v59.0/sobjects/Contact/003A"},
           "Id":"003A",\#(scalars),"SystemModstamp":"2013-05-20T20:49:32.000+0000"},
          {"attributes":{"type":"Contact","url":"/services/data/v59.0/sobjects/Contact/003B"},
           "Id":"003B","SystemModstamp":"2013-05-20T20:49:33.000+0000","Email":null}
         ]}
        """#

    private func dynamics(_ text: String, formatted: Bool = false) throws -> (fast: DynamicsPageParser.Page?, slow: DynamicsPageParser.Page) {
        let body = Array(text.utf8)
        return (
            DynamicsPageParser.fastPage(body, idField: "contactid", modifiedField: "modifiedon", keepFormattedValues: formatted),
            try DynamicsPageParser.foundationPage(body, idField: "contactid", modifiedField: "modifiedon", keepFormattedValues: formatted))
    }

    private func salesforce(_ text: String) throws -> (fast: CRMPage?, slow: CRMPage) {
        let body = Array(text.utf8)
        return (
            SalesforcePageParser.fastPage(body, idField: "Id", modifiedField: "SystemModstamp"),
            try SalesforcePageParser.foundationPage(body, idField: "Id", modifiedField: "SystemModstamp"))
    }

    @Test(arguments: [false, true])
    func aFlatDynamicsPageReadsTheSameBothWays(formatted: Bool) throws {
        let (fast, slow) = try dynamics(Self.dynamicsPage, formatted: formatted)
        let page = try #require(fast, "the common page shape must take the fast path")
        #expect(page.records == slow.records)
        #expect(page.nextLink == slow.nextLink)
        #expect(page.deltaLink == slow.deltaLink)
        #expect(page.records.count == 2)
        #expect(page.records[0].fields["n5"] == .number(JSONNumber(1)))
        #expect((page.records[0].fields["statecode@OData.Community.Display.V1.FormattedValue"] != nil) == formatted)
        #expect(page.records[0].fields["@odata.etag"] == nil)
    }

    @Test func aSalesforcePageReadsTheSameBothWaysWithoutAttributes() throws {
        let (fast, slow) = try salesforce(Self.salesforcePage)
        let page = try #require(fast, "the common page shape must take the fast path")
        #expect(page.records == slow.records)
        #expect(page.next == slow.next)
        #expect(page.next == "/services/data/v59.0/query/01g-2000")
        #expect(page.records[0].fields["attributes"] == nil)
        #expect(page.records[0].fields["lastname"] == .string("O\"Brien \\ é\n"))
    }

    @Test func theLastSalesforcePageHasNoNextLink() throws {
        let last = #"{"totalSize":1,"done":true,"records":[{"attributes":{"type":"Contact"},"Id":"003C","SystemModstamp":"2013-05-20T20:49:32.000+0000"}]}"#
        let (fast, slow) = try salesforce(last)
        #expect(try #require(fast).next == nil)
        #expect(fast?.records == slow.records)
    }

    @Test func nestedValuesAreLeftToTheFoundationPath() throws {
        let expanded = #"{"value":[{"contactid":"c-1","modifiedon":"2023-04-07T21:59:01Z","parentcustomerid_account":{"name":"Acme"}}]}"#
        let (fast, slow) = try dynamics(expanded)
        #expect(fast == nil)
        #expect(slow.records[0].fields["parentcustomerid_account"] == .string(#"{"name":"Acme"}"#))
        let parent = #"{"done":true,"records":[{"attributes":{"type":"Contact"},"Id":"003A","SystemModstamp":"2013-05-20T20:49:32.000+0000","Account":{"attributes":{"type":"Account"},"Name":"Acme"}}]}"#
        let (fastParent, slowParent) = try salesforce(parent)
        #expect(fastParent == nil)
        #expect(slowParent.records[0].fields["Account.Name"] == .string("Acme"))
    }

    @Test(arguments: [
        #"{"value":[{"contactid":"c-1","modifiedon":"2023-04-07T21:59:01Z"}"#,
        #"{"value":[{"modifiedon":"2023-04-07T21:59:01Z"}]}"#,
        #"{"value":[{"contactid":"c-1","modifiedon":"not a date"}]}"#,
        #"{"value":[{"contactid":"c-1","modifiedon":"2023-04-07T21:59:01Z","n":99999999999999999999}]}"#,
        #"{"value":[{"contactid":"c-1","contactid":"c-2","modifiedon":"2023-04-07T21:59:01Z"}]}"#,
        #"{"value":{}}"#,
        #"[]"#,
        "",
    ])
    func anythingUnusualIsHandedOver(text: String) {
        let body = Array(text.utf8)
        #expect(DynamicsPageParser.fastPage(body, idField: "contactid", modifiedField: "modifiedon", keepFormattedValues: false) == nil)
    }

    @Test func numbersAreWrittenTheWayFoundationWritesThem() throws {
        #expect(CRMFlatPageScanner.foundationForm(try #require(JSONNumber("1.50"))) == JSONNumber(try #require(Double("1.5"))))
        #expect(CRMFlatPageScanner.foundationForm(try #require(JSONNumber("2e3"))) == JSONNumber(2000))
        #expect(CRMFlatPageScanner.foundationForm(try #require(JSONNumber("42"))) == JSONNumber(42))
        #expect(CRMFlatPageScanner.foundationForm(try #require(JSONNumber("-0"))) == nil)
        #expect(CRMFlatPageScanner.foundationForm(try #require(JSONNumber("1234567890123456789"))) == nil)
    }
}
