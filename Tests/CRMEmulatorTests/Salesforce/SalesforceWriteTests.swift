import CRMEmulatorCore
import Foundation
import Testing
import TestSupport

@Suite("Salesforce emulator: sObject and sObject Collections writes")
struct SalesforceWriteTests {
    @Test func createUpdateDeleteAnswerTheDocumentedStatuses() async throws {
        let (emulator, client) = try await startSalesforce()
        defer { emulator.stop() }
        let created = try await client.send("POST", "/sobjects/Contact/", json: #"{"FirstName":"Ada","LastName":"Lovelace"}"#)
        #expect(created.status == 201)
        let id = try #require(created.object["id"] as? String)
        #expect(created.text == #"{"id":"\#(id)","success":true,"errors":[]}"#)

        let before = try await client.send("GET", "/sobjects/Contact/\(id)?fields=Name,LastModifiedDate,SystemModstamp")
        #expect(before.object["Name"] as? String == "Ada Lovelace")
        let updated = try await client.send("PATCH", "/sobjects/Contact/\(id)", json: #"{"Email":"ada@example.com"}"#)
        #expect(updated.status == 204)
        #expect(updated.body.isEmpty)
        let after = try await client.send("GET", "/sobjects/Contact/\(id)")
        #expect(after.object["Email"] as? String == "ada@example.com")
        let modified = try #require(after.object["LastModifiedDate"] as? String)
        #expect(after.object["SystemModstamp"] as? String == modified)
        #expect(modified >= (before.object["LastModifiedDate"] as? String ?? ""))

        #expect(try await client.send("DELETE", "/sobjects/Contact/\(id)").status == 204)
        #expect(try await client.send("GET", "/sobjects/Contact/\(id)").status == 404)
        let again = try await client.send("PATCH", "/sobjects/Contact/\(id)", json: #"{"Email":"x@example.com"}"#)
        #expect(again.status == 404)
        #expect(again.errorCode == "ENTITY_IS_DELETED")
    }

    @Test func recordProblemsAreRefusedWithTheirCodes() async throws {
        let (emulator, client) = try await startSalesforce()
        defer { emulator.stop() }
        let missing = try await client.send("POST", "/sobjects/Contact/", json: #"{"FirstName":"NoLast"}"#)
        #expect(missing.status == 400)
        #expect(missing.text == #"[{"message":"Required fields are missing: [LastName]","errorCode":"REQUIRED_FIELD_MISSING","fields":["LastName"]}]"#)
        let unknown = try await client.send("POST", "/sobjects/Contact/", json: #"{"LastName":"X","Shoe__c":"42"}"#)
        #expect(unknown.errorCode == "INVALID_FIELD")
        let readOnly = try await client.send("POST", "/sobjects/Contact/", json: #"{"LastName":"X","SystemModstamp":"2024-01-01T00:00:00Z"}"#)
        #expect(readOnly.errorCode == "INVALID_FIELD_FOR_INSERT_UPDATE")
        let email = try await client.send("POST", "/sobjects/Contact/", json: #"{"LastName":"X","Email":"not-an-address"}"#)
        #expect(email.errorCode == "INVALID_EMAIL_ADDRESS")
        let mistyped = try await client.send("POST", "/sobjects/Contact/", json: #"{"LastName":"X","HasOptedOutOfEmail":"yes"}"#)
        #expect(mistyped.errorCode == "JSON_PARSER_ERROR")
        let broken = try await client.send("POST", "/sobjects/Contact/", json: #"{"LastName":"#)
        #expect(broken.errorCode == "JSON_PARSER_ERROR")
        let lookup = try await client.send("POST", "/sobjects/Contact/", json: #"{"LastName":"X","AccountId":"003Hn0000000001AAA"}"#)
        #expect(lookup.errorCode == "FIELD_INTEGRITY_EXCEPTION")
        let notFound = try await client.send("PATCH", "/sobjects/Contact/003Hn0000000999AAA", json: #"{"LastName":"X"}"#)
        #expect(notFound.status == 404)
        #expect(notFound.errorCode == "NOT_FOUND")
    }

    @Test func upsertByExternalIDTwiceKeepsOneRecord() async throws {
        let (emulator, client) = try await startSalesforce()
        defer { emulator.stop() }
        let path = "/sobjects/CRMB_Email_Event__c/CRMB_Event_Id__c/evt-42"
        let first = try await client.send("PATCH", path, json: #"{"CRMB_Type__c":"open","CRMB_Campaign_Name__c":"Spring"}"#)
        #expect(first.status == 201)
        #expect(first.object["created"] as? Bool == true)
        let id = try #require(first.object["id"] as? String)
        #expect(id.hasPrefix("a02"))
        let second = try await client.send("PATCH", path, json: #"{"CRMB_Type__c":"open","CRMB_Campaign_Name__c":"Spring again"}"#)
        #expect(second.status == 200)
        #expect(second.text == #"{"id":"\#(id)","success":true,"errors":[],"created":false}"#)

        let count = try await client.query("SELECT COUNT() FROM CRMB_Email_Event__c WHERE CRMB_Event_Id__c = 'evt-42'")
        #expect(count.object["totalSize"] as? Int == 1)
        let record = try await client.send("GET", path)
        #expect(record.object["CRMB_Campaign_Name__c"] as? String == "Spring again")
        let badField = try await client.send("PATCH", "/sobjects/CRMB_Email_Event__c/Nope__c/1", json: "{}")
        #expect(badField.status == 404)
        #expect(badField.errorCode == "NOT_FOUND")
    }

    @Test func collectionsUpsertAnswersPerRecordResultsInOrderIncludingAFailure() async throws {
        let (emulator, client) = try await startSalesforce()
        defer { emulator.stop() }
        #expect(try await client.send("PATCH", "/sobjects/CRMB_Email_Event__c/CRMB_Event_Id__c/e2",
                                      json: #"{"CRMB_Type__c":"send"}"#).status == 201)
        let body = #"""
        {"allOrNone":false,"records":[
          {"attributes":{"type":"CRMB_Email_Event__c"},"CRMB_Event_Id__c":"e1","CRMB_Type__c":"open"},
          {"attributes":{"type":"CRMB_Email_Event__c"},"CRMB_Event_Id__c":"e2","CRMB_Type__c":"click","CRMB_URL__c":"https://example.com/x"},
          {"attributes":{"type":"CRMB_Email_Event__c"},"CRMB_Event_Id__c":"e3"},
          {"attributes":{"type":"CRMB_Email_Event__c"},"CRMB_Event_Id__c":"e4","CRMB_Type__c":"bounce","CRMB_Event_Date__c":"2024-03-01T10:00:00.000+0000"}
        ]}
        """#
        let answer = try await client.send("PATCH", "/composite/sobjects/CRMB_Email_Event__c/CRMB_Event_Id__c", json: body)
        #expect(answer.status == 200)
        let results = answer.array
        #expect(results.count == 4)
        #expect(results.map { $0["success"] as? Bool } == [true, true, false, true])
        #expect(results.map { $0["created"] as? Bool } == [true, false, nil, true])
        let error = (results[2]["errors"] as? [[String: Any]])?.first
        #expect(error?["statusCode"] as? String == "REQUIRED_FIELD_MISSING")
        #expect(error?["fields"] as? [String] == ["CRMB_Type__c"])
        #expect(results[2]["id"] == nil)
        let count = try await client.query("SELECT COUNT() FROM CRMB_Email_Event__c")
        #expect(count.object["totalSize"] as? Int == 3)
        let date = try await client.query("SELECT CRMB_Event_Date__c FROM CRMB_Email_Event__c WHERE CRMB_Event_Id__c = 'e4'")
        #expect((date.object["records"] as? [[String: Any]])?.first?["CRMB_Event_Date__c"] as? String == "2024-03-01T10:00:00.000+0000")
    }

    /// Salesforce refuses, per record, a Collections upsert record without
    /// `attributes.type`, and refuses `Id` as the key of a Collections upsert.
    @Test func collectionsUpsertRefusesARecordWithoutTypeAndIdAsKey() async throws {
        let (emulator, client) = try await startSalesforce()
        defer { emulator.stop() }
        let body = #"""
        {"allOrNone":false,"records":[
          {"CRMB_Event_Id__c":"t1","CRMB_Type__c":"open"},
          {"attributes":{"type":"CRMB_Email_Event__c"},"CRMB_Event_Id__c":"t2","CRMB_Type__c":"open"}
        ]}
        """#
        let answer = try await client.send("PATCH", "/composite/sobjects/CRMB_Email_Event__c/CRMB_Event_Id__c", json: body)
        #expect(answer.status == 200)
        #expect(answer.array.map { $0["success"] as? Bool } == [false, true])
        #expect((answer.array.first?["errors"] as? [[String: Any]])?.first?["statusCode"] as? String == "INVALID_TYPE")
        let byId = try await client.send("PATCH", "/composite/sobjects/CRMB_Email_Event__c/Id", json: #"""
        {"allOrNone":false,"records":[{"attributes":{"type":"CRMB_Email_Event__c"},"CRMB_Type__c":"open"}]}
        """#)
        #expect(byId.status == 400)
        #expect(byId.errorCode == "INVALID_FIELD")
        let count = try await client.query("SELECT COUNT() FROM CRMB_Email_Event__c")
        #expect(count.object["totalSize"] as? Int == 1)
    }

    @Test func collectionsCreateUpdateDeleteAndAllOrNone() async throws {
        let (emulator, client) = try await startSalesforce()
        defer { emulator.stop() }
        let create = try await client.send("POST", "/composite/sobjects", json: #"""
        {"records":[{"attributes":{"type":"Contact"},"LastName":"One"},{"attributes":{"type":"Account"},"Name":"Two"},
                    {"attributes":{"type":"Contact"},"FirstName":"NoLast"}]}
        """#)
        #expect(create.status == 200)
        #expect(create.array.map { $0["success"] as? Bool } == [true, true, false])
        let contactID = try #require(create.array[0]["id"] as? String)
        let accountID = try #require(create.array[1]["id"] as? String)
        #expect(contactID.hasPrefix("003") && accountID.hasPrefix("001"))

        let update = try await client.send("PATCH", "/composite/sobjects", json: #"""
        {"records":[{"attributes":{"type":"Contact"},"id":"\#(contactID)","AccountId":"\#(accountID)"},
                    {"attributes":{"type":"Contact"},"LastName":"No id"}]}
        """#)
        #expect(update.array.map { $0["success"] as? Bool } == [true, false])

        let rolledBack = try await client.send("POST", "/composite/sobjects", json: #"""
        {"allOrNone":true,"records":[{"attributes":{"type":"Contact"},"LastName":"Kept?"},{"attributes":{"type":"Contact"},"Email":"x@example.com"}]}
        """#)
        #expect(rolledBack.array.map { $0["success"] as? Bool } == [false, false])
        let codes = rolledBack.array.map { (($0["errors"] as? [[String: Any]])?.first?["statusCode"] as? String) }
        #expect(codes == ["ALL_OR_NONE_OPERATION_ROLLED_BACK", "REQUIRED_FIELD_MISSING"])
        let kept = try await client.query("SELECT COUNT() FROM Contact WHERE LastName = 'Kept?'")
        #expect(kept.object["totalSize"] as? Int == 0)

        let delete = try await client.send("DELETE", "/composite/sobjects?ids=\(contactID),\(accountID),003Hn0000000999AAA&allOrNone=false")
        #expect(delete.array.map { $0["success"] as? Bool } == [true, true, false])
        #expect(delete.array.map { $0["id"] as? String } == [contactID, accountID, "003Hn0000000999AAA"])

        let records = (0..<201).map { #"{"attributes":{"type":"Contact"},"LastName":"N\#($0)"}"# }.joined(separator: ",")
        let tooMany = try await client.send("POST", "/composite/sobjects", json: #"{"records":[\#(records)]}"#)
        #expect(tooMany.status == 400)
        #expect(tooMany.errorCode == "EXCEEDED_ID_LIMIT")
    }

    @Test func validationRulesAndUniqueExternalIDsProduceRejects() async throws {
        let (emulator, client) = try await startSalesforce()
        defer { emulator.stop() }
        let rules = #"[{"object":"Contact","condition":"Email LIKE '%@blocked.example'","message":"Blocked domain","field":"Email"}]"#
        #expect(try await client.admin("PUT", "validation-rules", json: rules).status == 200)
        let refused = try await client.send("POST", "/sobjects/Contact/", json: #"{"LastName":"X","Email":"a@blocked.example"}"#)
        #expect(refused.status == 400)
        #expect(refused.text == #"[{"message":"Blocked domain","errorCode":"FIELD_CUSTOM_VALIDATION_EXCEPTION","fields":["Email"]}]"#)
        #expect(try await client.send("POST", "/sobjects/Contact/", json: #"{"LastName":"X","Email":"a@fine.example"}"#).status == 201)
        let badRule = try await client.admin("PUT", "validation-rules", json: #"[{"object":"Contact","condition":"Nope = 1","message":"m"}]"#)
        #expect(badRule.status == 400)

        #expect(try await client.send("POST", "/sobjects/Contact/", json: #"{"LastName":"A","CRMB_External_Id__c":"K-1"}"#).status == 201)
        let duplicate = try await client.send("POST", "/composite/sobjects", json: #"""
        {"records":[{"attributes":{"type":"Contact"},"LastName":"B","CRMB_External_Id__c":"k-1"}]}
        """#)
        let error = (duplicate.array.first?["errors"] as? [[String: Any]])?.first
        #expect(error?["statusCode"] as? String == "DUPLICATE_VALUE")
        #expect((error?["message"] as? String)?.hasPrefix("duplicate value found: CRMB_External_Id__c duplicates value on record with id: 003") == true)
    }
}

@Suite("Salesforce emulator: hostile input")
struct SalesforceHostileInputTests {
    @Test func extremeValuesGetErrorsNotCrashes() async throws {
        let (emulator, client) = try await startSalesforce(seed: 300)
        defer { emulator.stop() }
        let huge = try await client.send("POST", "/sobjects/Account/", json: #"{"Name":"Big","NumberOfEmployees":99999999999999999999999,"AnnualRevenue":1e308}"#)
        #expect(huge.status == 201)
        let text = try await client.send("POST", "/sobjects/Contact/", json: #"{"LastName":123456789012345678901234567890}"#)
        #expect(text.status == 201)
        let deep = String(repeating: "[", count: 10_000)
        #expect(try await client.send("POST", "/composite/sobjects", json: deep).errorCode == "JSON_PARSER_ERROR")
        #expect(try await client.query("SELECT Id FROM Contact LIMIT 9223372036854775807").status == 200)
        #expect(try await client.query("SELECT Id FROM Contact LIMIT 99999999999999999999999").errorCode == "MALFORMED_QUERY")
        #expect(try await client.query("SELECT Id FROM Contact WHERE CreatedDate = LAST_N_DAYS:9223372036854775807").status == 200)
        let paged = try await client.query("SELECT Id FROM Contact", batchSize: 200)
        let next = try #require(paged.object["nextRecordsUrl"] as? String)
        let cursor = next.split(separator: "-").first.map(String.init) ?? next
        #expect(try await client.send("GET", "\(cursor)-9223372036854775807").errorCode == "INVALID_QUERY_LOCATOR")
        #expect(try await client.send("GET", "\(cursor)--5").errorCode == "INVALID_QUERY_LOCATOR")
        let nested = String(repeating: "(", count: 5000) + "Email = null" + String(repeating: ")", count: 5000)
        #expect(try await client.query("SELECT Id FROM Contact WHERE \(nested)").errorCode == "MALFORMED_QUERY")
        let negated = String(repeating: "NOT ", count: 5000) + "Email = null"
        #expect(try await client.query("SELECT Id FROM Contact WHERE \(negated)").errorCode == "MALFORMED_QUERY")
        let late = try await client.admin("POST", "late", json: #"{"object":"Contact","fields":{"LastName":"X"},"secondsAgo":1e300}"#)
        #expect(late.status == 400)
        #expect(try await client.admin("PUT", "limits", json: #"{"getDeletedMaxAgeDays":9223372036854775807}"#).status == 400)
        #expect(try await client.query("SELECT Id FROM Contact").status == 200)
    }
}
