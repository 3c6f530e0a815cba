import CRMEmulatorCore
import Foundation
import Testing
import TestSupport

@Suite("Salesforce emulator: SOQL query and queryAll")
struct SalesforceQueryTests {
    static func isSalesforceDateTime(_ text: String) -> Bool {
        text.wholeMatch(of: #/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000\+0000/#) != nil
    }

    @Test func pagingWithBatchSizeVisitsEveryRecordOnceAndStops() async throws {
        let (emulator, client) = try await startSalesforce(seed: 1000)
        defer { emulator.stop() }
        let counts = try await client.admin("GET", "counts").object["Contact"] as? [String: Int]
        let live = try #require(counts?["live"])

        var answer = try await client.query("SELECT Id, Email, SystemModstamp FROM Contact ORDER BY SystemModstamp, Id", batchSize: 200)
        var ids: [String] = []
        var pages = 0
        var stamps: [String] = []
        while true {
            #expect(answer.status == 200)
            let body = answer.object
            #expect(body["totalSize"] as? Int == live)
            let records = body["records"] as? [[String: Any]] ?? []
            ids += records.compactMap { $0["Id"] as? String }
            stamps += records.compactMap { $0["SystemModstamp"] as? String }
            pages += 1
            guard body["done"] as? Bool == false, let next = body["nextRecordsUrl"] as? String else {
                #expect(body["nextRecordsUrl"] == nil)
                break
            }
            #expect(records.count == 200)
            #expect(next.wholeMatch(of: #/^/services/data/v60\.0/query/01g[0-9A-Za-z]{15}-\d+$/#) != nil)
            #expect(next.hasSuffix("-\(ids.count)"))
            #expect(pages < 100)
            answer = try await client.send("GET", next, headers: ["Sforce-Query-Options": "batchSize=200"])
        }
        #expect(ids.count == live)
        #expect(Set(ids).count == live)
        #expect(pages == (live + 199) / 200)
        #expect(stamps == stamps.sorted())
        #expect(stamps.allSatisfy(Self.isSalesforceDateTime))
    }

    @Test func keysetTieBreakerOnSystemModstampAndIdReadsEveryRecordOnce() async throws {
        let (emulator, client) = try await startSalesforce(seed: 500)
        defer { emulator.stop() }
        let total = try #require(try await client.query("SELECT COUNT() FROM Contact").object["totalSize"] as? Int)
        var ids: [String] = []
        var last: (stamp: String, id: String)?
        var rounds = 0
        while rounds < 100 {
            rounds += 1
            var condition = ""
            if let last {
                let stamp = last.stamp.replacingOccurrences(of: ".000+0000", with: "Z")
                condition = "WHERE (SystemModstamp = \(stamp) AND Id > '\(last.id)') OR SystemModstamp > \(stamp) "
            }
            let answer = try await client.query("SELECT Id, SystemModstamp FROM Contact \(condition)ORDER BY SystemModstamp, Id LIMIT 37")
            #expect(answer.status == 200, "\(answer.text)")
            let records = answer.object["records"] as? [[String: Any]] ?? []
            guard let tail = records.last, let stamp = tail["SystemModstamp"] as? String, let id = tail["Id"] as? String else { break }
            ids += records.compactMap { $0["Id"] as? String }
            last = (stamp, id)
        }
        #expect(ids.count == total)
        #expect(Set(ids).count == total)
    }

    @Test func defaultPageIs2000RecordsAndSmallBatchSizesAreRaisedTo200() async throws {
        let (emulator, client) = try await startSalesforce(seed: 2500)
        defer { emulator.stop() }
        let first = try await client.query("SELECT Id FROM Contact")
        #expect((first.object["records"] as? [Any])?.count == 2000)
        #expect(first.object["done"] as? Bool == false)
        let small = try await client.query("SELECT Id FROM Contact", batchSize: 10)
        #expect((small.object["records"] as? [Any])?.count == 200)
    }

    @Test func recordsCarryAttributesAndSelectedFieldsInOrder() async throws {
        let (emulator, client) = try await startSalesforce(seed: 20)
        defer { emulator.stop() }
        let answer = try await client.query("SELECT Email, Id, HasOptedOutOfEmail FROM Contact LIMIT 1")
        #expect(answer.status == 200)
        #expect(answer.header("Content-Type")?.hasPrefix("application/json") == true)
        let text = answer.text
        #expect(text.hasPrefix(#"{"totalSize":1,"done":true,"records":[{"attributes":{"type":"Contact","url":"/services/data/v60.0/sobjects/Contact/003"#))
        let record = try #require((answer.object["records"] as? [[String: Any]])?.first)
        let id = try #require(record["Id"] as? String)
        #expect(id.count == 18 && id.hasPrefix("003"))
        #expect((record["attributes"] as? [String: Any])?["url"] as? String == "/services/data/v60.0/sobjects/Contact/\(id)")
        #expect(Set(record.keys) == ["attributes", "Email", "Id", "HasOptedOutOfEmail"])
        let emailAt = try #require(text.range(of: "\"Email\""))
        let idAt = try #require(text.range(of: "\"Id\""))
        #expect(emailAt.lowerBound < idAt.lowerBound)
    }

    @Test func queryAllReturnsDeletedRowsAndQueryDoesNot() async throws {
        let (emulator, client) = try await startSalesforce()
        defer { emulator.stop() }
        let created = try await client.send("POST", "/sobjects/Contact/", json: #"{"LastName":"Gone","Email":"gone@example.com"}"#)
        let id = try #require(created.object["id"] as? String)
        #expect(try await client.send("DELETE", "/sobjects/Contact/\(id)").status == 204)

        let soql = "SELECT Id, IsDeleted FROM Contact WHERE Id = '\(id)'"
        let live = try await client.query(soql)
        #expect(live.object["totalSize"] as? Int == 0)
        #expect(live.object["done"] as? Bool == true)
        let all = try await client.query(soql, all: true)
        #expect(all.object["totalSize"] as? Int == 1)
        let record = (all.object["records"] as? [[String: Any]])?.first
        #expect(record?["IsDeleted"] as? Bool == true)
        #expect(try await client.send("DELETE", "/sobjects/Contact/\(id)").errorCode == "ENTITY_IS_DELETED")
    }

    @Test func whereClauseSupportsTheDocumentedSubset() async throws {
        let (emulator, client) = try await startSalesforce()
        defer { emulator.stop() }
        let people = [
            #"{"FirstName":"Ann","LastName":"O'Brien","Email":"ann@example.com","HasOptedOutOfEmail":true,"Birthdate":"1980-05-01"}"#,
            #"{"FirstName":"Bob","LastName":"Back\\slash","Email":null,"HasOptedOutOfEmail":false,"Birthdate":"1990-01-15"}"#,
            #"{"FirstName":"Zoë","LastName":"Ærø","Email":"zoe@example.org","HasOptedOutOfEmail":false}"#,
            #"{"FirstName":"carl","LastName":"Smith","Email":"carl_1@example.com","HasOptedOutOfEmail":true}"#,
        ]
        for person in people {
            #expect(try await client.send("POST", "/sobjects/Contact/", json: person).status == 201)
        }
        func names(_ condition: String, order: String = "ORDER BY FirstName") async throws -> [String] {
            let answer = try await client.query("SELECT FirstName FROM Contact WHERE \(condition) \(order)")
            #expect(answer.status == 200, "\(condition): \(answer.text)")
            return (answer.object["records"] as? [[String: Any]] ?? []).compactMap { $0["FirstName"] as? String }
        }
        #expect(try await names(#"LastName = 'O\'Brien'"#) == ["Ann"])
        #expect(try await names(#"LastName = 'Back\\slash'"#) == ["Bob"])
        #expect(try await names("Email = null") == ["Bob"])
        #expect(try await names("Email != null") == ["Ann", "carl", "Zoë"])
        #expect(try await names("email LIKE '%@example.com'") == ["Ann", "carl"])
        #expect(try await names(#"Email LIKE 'carl\_%'"#) == ["carl"])
        #expect(try await names("FirstName LIKE 'A_n'") == ["Ann"])
        #expect(try await names("FirstName IN ('ann', 'Bob')") == ["Ann", "Bob"])
        #expect(try await names("FirstName NOT IN ('Ann', 'Bob')") == ["carl", "Zoë"])
        #expect(try await names("HasOptedOutOfEmail = true AND (FirstName = 'Ann' OR FirstName = 'Bob')") == ["Ann"])
        #expect(try await names("NOT (HasOptedOutOfEmail = true)") == ["Bob", "Zoë"])
        #expect(try await names("Birthdate < 1985-01-01") == ["Ann"])
        #expect(try await names("Birthdate >= 1985-01-01 OR Birthdate = null") == ["Bob", "carl", "Zoë"])
        #expect(try await names("CreatedDate > 2020-01-01T00:00:00Z AND CreatedDate < 2999-01-01T00:00:00+00:00").count == 4)
        #expect(try await names("CreatedDate = TODAY OR CreatedDate = LAST_N_DAYS:2").count == 4)
        #expect(try await names("FirstName != 'Ann'", order: "ORDER BY FirstName DESC") == ["Zoë", "carl", "Bob"])
        #expect(try await names("Email != 'x'", order: "ORDER BY Email DESC NULLS FIRST, FirstName") == ["Bob", "Zoë", "carl", "Ann"])
        let count = try await client.query("SELECT COUNT() FROM Contact WHERE HasOptedOutOfEmail = true")
        #expect(count.object["totalSize"] as? Int == 2)
        let limited = try await client.query("SELECT Id FROM Contact ORDER BY LastName LIMIT 2 OFFSET 1")
        #expect((limited.object["records"] as? [Any])?.count == 2)
    }

    @Test func badSOQLIsRefusedWithThePlatformErrorCodes() async throws {
        let (emulator, client) = try await startSalesforce()
        defer { emulator.stop() }
        let cases: [(String, String)] = [
            ("SELECT Id FROM", "MALFORMED_QUERY"),
            ("SELECT Id Contact", "MALFORMED_QUERY"),
            ("SELECT Id FROM Contact WHERE Email = 'unterminated", "MALFORMED_QUERY"),
            ("SELECT Id FROM Contact WHERE A__c = 1 AND B__c = 2 OR C__c = 3", "MALFORMED_QUERY"),
            ("SELECT Id FROM Contact WHERE LastName = 'a' AND Email = 'b' OR Phone = 'c'", "MALFORMED_QUERY"),
            ("SELECT Id, Id FROM Contact", "MALFORMED_QUERY"),
            ("SELECT Nope__c FROM Contact", "INVALID_FIELD"),
            ("SELECT Id FROM Contact WHERE Nope = 1", "INVALID_FIELD"),
            ("SELECT Id FROM Contact WHERE SystemModstamp > '2024-01-01T00:00:00Z'", "INVALID_FIELD"),
            ("SELECT Id FROM Contact WHERE Email = 5", "INVALID_FIELD"),
            ("SELECT Id FROM Nothing__c", "INVALID_TYPE"),
            ("SELECT Id FROM Contact WHERE Id = 'not-an-id'", "INVALID_QUERY_FILTER_OPERATOR"),
        ]
        for (soql, code) in cases {
            let answer = try await client.query(soql)
            #expect(answer.status == 400, "\(soql)")
            #expect(answer.errorCode == code, "\(soql): \(answer.text)")
            #expect((answer.array.first?["message"] as? String)?.isEmpty == false)
        }
        let field = try await client.query("SELECT Nope__c FROM Contact")
        #expect((field.array.first?["message"] as? String)?.contains("No such column 'Nope__c' on entity 'Contact'") == true)
        let missing = try await client.send("GET", "/query")
        #expect(missing.errorCode == "MALFORMED_QUERY")
        let locator = try await client.send("GET", "/query/01gHn0000000001AAA-2000")
        #expect(locator.status == 400)
        #expect(locator.errorCode == "INVALID_QUERY_LOCATOR")
    }

    @Test func seedingIsDeterministic() async throws {
        let soql = "SELECT Id, FirstName, LastName, Email, HasOptedOutOfEmail FROM Contact ORDER BY Id LIMIT 300"
        let (first, firstClient) = try await startSalesforce(seed: 300) { $0.seedAnchor = 1_700_000_000_000 }
        defer { first.stop() }
        let (second, secondClient) = try await startSalesforce(seed: 300) { $0.seedAnchor = 1_700_000_000_000 }
        defer { second.stop() }
        let a = try await firstClient.query(soql)
        let b = try await secondClient.query(soql)
        #expect(a.status == 200)
        #expect(a.body == b.body)
        let records = a.object["records"] as? [[String: Any]] ?? []
        #expect(records.contains { $0["Email"] is NSNull })
        #expect(records.contains { ($0["LastName"] as? String)?.contains("'") == true })
        #expect(records.contains { ($0["LastName"] as? String)?.contains("\"") == true })
        #expect(records.contains { $0["HasOptedOutOfEmail"] as? Bool == true })
        #expect(records.contains { $0["HasOptedOutOfEmail"] as? Bool == false })
    }
}
