import Config
import Foundation
import HTTPBridge
import TestSupport
import Testing

/// `truncateShare` cuts successful answers with a body, and only those count as injected
/// faults: the chaos suite compares the count with the retries the roles made, so a 204
/// or an error answer "cut" (nothing a client could notice) must not count.
@Suite struct FaultTruncationTests {
    let http = HTTPClient()

    @Test func onlySuccessfulAnswersWithABodyAreCutAndCounted() async throws {
        let emulator = try await TestEmulator.start()
        defer { emulator.stop() }
        let (id, send) = try await contact(emulator)
        func faults() async throws -> Int {
            let counters = try await http.execute(.init(url: emulator.baseURL + "/admin/counters"))
            return (try JSONSerialization.jsonObject(with: Data(counters.body)) as? [String: Any])?["faultsInjected"] as? Int ?? -1
        }
        var settings = HTTPRequest(method: "PUT", url: emulator.baseURL + "/admin/faults", body: Array(#"{"truncateShare":1}"#.utf8))
        settings.headers.add("Content-Type", "application/json")
        #expect(try await http.execute(settings).status == 200)

        let patched = try await send("PATCH", "contacts(\(id))", #"{"firstname":"Ann"}"#)
        #expect(patched.status == 204)
        let missing = try await send("GET", "contacts(00000000-0000-0000-0000-000000000001)", nil)
        #expect(missing.status == 404)
        #expect((try? JSONSerialization.jsonObject(with: Data(missing.body))) != nil, "the error answer is whole: \(missing.bodyText)")
        #expect(try await faults() == 0, "a 204 and an error answer are not faults")

        let read = try await send("GET", "contacts(\(id))", nil)
        #expect(read.status == 200)
        #expect((try? JSONSerialization.jsonObject(with: Data(read.body))) == nil, "the answer was cut: \(read.bodyText)")
        #expect(try await faults() == 1)
    }

    /// `truncateNextWrites` cuts the next successful write answers with a body, after the
    /// CRM applied the write, and none after: a lost answer at a moment a test chooses
    /// (opt-in-out's `ConcurrentCRMEditTests`). Reads are never cut by it.
    @Test func truncateNextWritesCutsTheNextWriteAnswerAfterApplyingItAndThenNone() async throws {
        let emulator = try await TestEmulator.start()
        defer { emulator.stop() }
        let (id, send) = try await contact(emulator, prefer: "return=representation")
        var settings = HTTPRequest(method: "PUT", url: emulator.baseURL + "/admin/faults", body: Array(#"{"truncateNextWrites":1}"#.utf8))
        settings.headers.add("Content-Type", "application/json")
        #expect(try await http.execute(settings).status == 200)

        let read = try await send("GET", "contacts(\(id))?$select=lastname", nil)
        #expect((try? JSONSerialization.jsonObject(with: Data(read.body))) != nil, "a read is not cut: \(read.bodyText)")
        let first = try await send("PATCH", "contacts(\(id))?$select=firstname", #"{"firstname":"Ann"}"#)
        #expect(first.status == 200)
        #expect((try? JSONSerialization.jsonObject(with: Data(first.body))) == nil, "the write's answer was cut: \(first.bodyText)")
        let applied = try await send("GET", "contacts(\(id))?$select=firstname", nil)
        #expect(applied.bodyText.contains("\"Ann\""), "the CRM applied the write whose answer was cut: \(applied.bodyText)")
        let second = try await send("PATCH", "contacts(\(id))?$select=firstname", #"{"firstname":"Bo"}"#)
        #expect((try? JSONSerialization.jsonObject(with: Data(second.body))) != nil, "only the next write was cut: \(second.bodyText)")
        let left = try await http.execute(.init(url: emulator.baseURL + "/admin/faults"))
        #expect(left.bodyText.contains("\"truncateNextWrites\":0"), "\(left.bodyText)")
    }

    typealias Send = (_ method: String, _ path: String, _ body: String?) async throws -> HTTPResponse

    /// A Dynamics contact in `emulator`, and a way to call the Web API with a valid token
    /// (and `Prefer: <prefer>` when given).
    private func contact(_ emulator: TestEmulator, prefer: String? = nil) async throws -> (id: String, send: Send) {
        let crm = TestCRMClient(kind: .dynamics, baseURL: emulator.baseURL, http: http)
        let id = try await crm.create("contacts", ["lastname": "Truncated"])
        let token = try await crm.token()
        let http = http
        let send: Send = { method, path, body in
            var request = HTTPRequest(method: method, url: emulator.baseURL + "/api/data/v9.2/" + path, body: body.map { Array($0.utf8) })
            request.headers.add("Authorization", "Bearer \(token)")
            if let prefer { request.headers.add("Prefer", prefer) }
            if body != nil { request.headers.add("Content-Type", "application/json") }
            return try await http.execute(request)
        }
        return (id, send)
    }
}
