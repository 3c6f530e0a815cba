import CRMEmulatorCore
import Foundation
import Testing
import TestSupport

@Suite("Salesforce emulator: getUpdated and getDeleted")
struct SalesforceReplicationTests {
    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    static func window(from start: Date, to end: Date) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-.:"))
        let encode = { (text: String) in text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text }
        return "?start=\(encode(iso(start)))&end=\(encode(iso(end)))"
    }

    @Test func getDeletedListsDeletedRecordsInTheWindow() async throws {
        let (emulator, client) = try await startSalesforce()
        defer { emulator.stop() }
        // Windows cover whole minutes up to now: a delete two minutes ago is inside.
        let late = try await client.admin("POST", "late", json: #"{"object":"Contact","fields":{"LastName":"Leaving"},"secondsAgo":120,"deleted":true}"#)
        let id = try #require(late.object["id"] as? String)
        #expect(try await client.send("DELETE", "/sobjects/Contact/\(id)").errorCode == "ENTITY_IS_DELETED")

        let now = Date()
        let answer = try await client.send("GET", "/sobjects/Contact/deleted/" + Self.window(from: now.addingTimeInterval(-3600), to: now.addingTimeInterval(120)))
        #expect(answer.status == 200, "\(answer.text)")
        let deleted = answer.object["deletedRecords"] as? [[String: Any]] ?? []
        #expect(deleted.map { $0["id"] as? String } == [id])
        #expect((deleted.first?["deletedDate"] as? String)?.hasSuffix(".000+0000") == true)
        #expect((answer.object["earliestDateAvailable"] as? String)?.hasSuffix(":00.000+0000") == true)
        #expect((answer.object["latestDateCovered"] as? String)?.hasSuffix(":00.000+0000") == true)
    }

    @Test func getDeletedRefusesTooOldAndTooShortWindows() async throws {
        let (emulator, client) = try await startSalesforce()
        defer { emulator.stop() }
        let now = Date()
        let old = try await client.send("GET", "/sobjects/Contact/deleted/" + Self.window(from: now.addingTimeInterval(-16 * 86_400), to: now))
        #expect(old.status == 400)
        #expect(old.errorCode == "INVALID_REPLICATION_DATE")
        #expect((old.array.first?["message"] as? String)?.contains("15 days") == true)

        let short = try await client.send("GET", "/sobjects/Contact/deleted/" + Self.window(from: now.addingTimeInterval(-30), to: now))
        #expect(short.status == 400)
        #expect(short.errorCode == "INVALID_REPLICATION_DATE")

        let reversed = try await client.send("GET", "/sobjects/Contact/updated/" + Self.window(from: now, to: now.addingTimeInterval(-3600)))
        #expect(reversed.errorCode == "INVALID_REPLICATION_DATE")

        let updatedReach = try await client.send("GET", "/sobjects/Contact/updated/" + Self.window(from: now.addingTimeInterval(-20 * 86_400), to: now))
        #expect(updatedReach.status == 200)
        #expect(try await client.admin("PUT", "limits", json: #"{"getUpdatedMaxAgeDays":10}"#).status == 200)
        let shortened = try await client.send("GET", "/sobjects/Contact/updated/" + Self.window(from: now.addingTimeInterval(-20 * 86_400), to: now))
        #expect(shortened.errorCode == "INVALID_REPLICATION_DATE")
    }

    @Test func getUpdatedListsRecordsChangedInTheWindowButNotDeletedOnes() async throws {
        let (emulator, client) = try await startSalesforce(seed: 50)
        defer { emulator.stop() }
        // Windows cover whole minutes up to now: changes two minutes ago are inside.
        let kept = try #require(try await client.admin("POST", "late", json: #"{"object":"Contact","fields":{"LastName":"Kept"},"secondsAgo":120}"#).object["id"] as? String)
        let gone = try #require(try await client.admin("POST", "late", json: #"{"object":"Contact","fields":{"LastName":"Gone"},"secondsAgo":120,"deleted":true}"#).object["id"] as? String)
        let answer = try await client.send("GET", "/sobjects/Contact/updated/" + Self.window(from: Date().addingTimeInterval(-600), to: Date().addingTimeInterval(120)))
        #expect(answer.status == 200)
        let ids = answer.object["ids"] as? [String] ?? []
        #expect(ids.contains(kept))
        #expect(!ids.contains(gone))
        #expect(answer.object["latestDateCovered"] is String)
    }

    @Test func lateRecordsAreStampedInThePast() async throws {
        let (emulator, client) = try await startSalesforce()
        defer { emulator.stop() }
        let late = try await client.admin("POST", "late", json: #"{"object":"Contact","fields":{"LastName":"Late"},"secondsAgo":600}"#)
        #expect(late.status == 200)
        let id = try #require(late.object["id"] as? String)
        let stamp = try #require(late.object["systemModstamp"] as? String)
        let read = try await client.query("SELECT SystemModstamp, LastModifiedDate FROM Contact WHERE Id = '\(id)'")
        let record = (read.object["records"] as? [[String: Any]])?.first
        #expect(record?["SystemModstamp"] as? String == stamp)
        let recent = try await client.query("SELECT COUNT() FROM Contact WHERE SystemModstamp > \(Self.iso(Date().addingTimeInterval(-300)))")
        #expect(recent.object["totalSize"] as? Int == 0)
    }
}
