import CRMEmulatorCore
import Foundation
import Testing
import TestSupport

@Suite struct DynamicsBatchTests {
    /// A batch: a changeset creating two contacts, an update of a missing contact that
    /// must fail (`If-Match: *`), then one more create.
    static func body(missingId: String) -> String {
        let lines = [
            "--batch_AAA",
            "Content-Type: multipart/mixed;boundary=changeset_BBB",
            "",
            "--changeset_BBB",
            "Content-Type: application/http",
            "Content-Transfer-Encoding: binary",
            "Content-ID: 1",
            "",
            "POST /api/data/v9.2/contacts HTTP/1.1",
            "Content-Type: application/json",
            "",
            #"{"lastname":"Batch One"}"#,
            "--changeset_BBB",
            "Content-Type: application/http",
            "Content-Transfer-Encoding: binary",
            "Content-ID: 2",
            "",
            "POST /api/data/v9.2/contacts HTTP/1.1",
            "Content-Type: application/json",
            "",
            #"{"lastname":"Batch Two"}"#,
            "--changeset_BBB--",
            "--batch_AAA",
            "Content-Type: application/http",
            "Content-Transfer-Encoding: binary",
            "",
            "PATCH /api/data/v9.2/contacts(\(missingId)) HTTP/1.1",
            "Content-Type: application/json",
            "If-Match: *",
            "",
            #"{"lastname":"Nobody"}"#,
            "--batch_AAA",
            "Content-Type: application/http",
            "Content-Transfer-Encoding: binary",
            "",
            "POST /api/data/v9.2/contacts HTTP/1.1",
            "Content-Type: application/json",
            "",
            #"{"lastname":"Batch Three"}"#,
            "--batch_AAA--",
            "",
        ]
        return lines.joined(separator: "\r\n")
    }

    static func statuses(_ answer: DynamicsTestClient.Answer) -> [Int] {
        answer.text.components(separatedBy: "\r\n").filter { $0.hasPrefix("HTTP/1.1 ") }.compactMap { Int($0.split(separator: " ")[1]) }
    }

    /// Dataverse (and Microsoft's SDKs): without continue-on-error the batch stops at the
    /// first failure and answers that operation's error as the outer 4xx, not a 200.
    @Test func batchWithoutContinueOnErrorAnswersTheFailingPartAs4xx() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 0)
        defer { emulator.stop() }
        let answer = try await client.call("POST", url: client.apiRoot + "$batch", headers: ["Content-Type": "multipart/mixed;boundary=batch_AAA"],
                                           body: Data(Self.body(missingId: "11111111-2222-4333-8444-555555555555").utf8))
        #expect(answer.status == 404)
        #expect(answer.header("Content-Type")?.hasPrefix("application/json") == true)
        #expect(answer.text.contains("\"0x80040217\""))
        let counts = try await client.admin("GET", "counts")
        #expect(counts.json["contacts"] as? Int == 2)
    }

    @Test func batchWithContinueOnErrorAnswersEveryOperation() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 0)
        defer { emulator.stop() }
        let answer = try await client.call("POST", url: client.apiRoot + "$batch", headers: [
            "Content-Type": "multipart/mixed;boundary=batch_AAA", "Prefer": "odata.continue-on-error",
        ], body: Data(Self.body(missingId: "11111111-2222-4333-8444-555555555555").utf8))
        #expect(answer.status == 200)
        #expect(Self.statuses(answer) == [204, 204, 404, 204])
        #expect(answer.text.contains("\"0x80040217\""))
        let counts = try await client.admin("GET", "counts")
        #expect(counts.json["contacts"] as? Int == 3)
    }

    @Test func batchOfMoreThanAThousandOperationsIsRefused() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 0)
        defer { emulator.stop() }
        var lines: [String] = []
        for index in 0..<1001 {
            lines += ["--batch_Z", "Content-Type: application/http", "Content-Transfer-Encoding: binary", "",
                      "POST /api/data/v9.2/contacts HTTP/1.1", "Content-Type: application/json", "", "{\"lastname\":\"N\(index)\"}"]
        }
        lines += ["--batch_Z--", ""]
        let answer = try await client.call("POST", url: client.apiRoot + "$batch", headers: ["Content-Type": "multipart/mixed;boundary=batch_Z"],
                                           body: Data(lines.joined(separator: "\r\n").utf8))
        #expect(answer.status == 400)
        #expect(answer.errorMessage?.contains("1000") == true)
        let counts = try await client.admin("GET", "counts")
        #expect(counts.json["contacts"] as? Int == 0)
    }

    @Test func failingChangesetRollsBackAllItsOperations() async throws {
        let (emulator, client) = try await DynamicsTestClient.start(seed: 0)
        defer { emulator.stop() }
        let body = [
            "--batch_X", "Content-Type: multipart/mixed;boundary=changeset_Y", "",
            "--changeset_Y", "Content-Type: application/http", "Content-Transfer-Encoding: binary", "Content-ID: 1", "",
            "POST /api/data/v9.2/contacts HTTP/1.1", "Content-Type: application/json", "", #"{"lastname":"Kept?"}"#,
            "--changeset_Y", "Content-Type: application/http", "Content-Transfer-Encoding: binary", "Content-ID: 2", "",
            "POST /api/data/v9.2/contacts HTTP/1.1", "Content-Type: application/json", "", #"{"lastname":5}"#,
            "--changeset_Y--", "--batch_X--", "",
        ].joined(separator: "\r\n")
        let answer = try await client.call("POST", url: client.apiRoot + "$batch", headers: [
            "Content-Type": "multipart/mixed;boundary=batch_X", "Prefer": "odata.continue-on-error",
        ], body: Data(body.utf8))
        #expect(answer.status == 200)
        #expect(Self.statuses(answer) == [400])
        #expect(answer.text.contains("Content-ID: 2\r\n"))
        let counts = try await client.admin("GET", "counts")
        #expect(counts.json["contacts"] as? Int == 0)
    }
}
