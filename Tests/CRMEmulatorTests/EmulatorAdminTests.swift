import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Shared
import Testing
import TestSupport

@Suite struct EmulatorAdminTests {
    @Test func healthzAnswersOverRealHTTP() async throws {
        let emulator = try await TestEmulator.start()
        defer { emulator.stop() }
        let url = URL(string: emulator.baseURL + "/healthz")!
        let (data, response) = try await URLSession.shared.data(from: url)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: data, as: UTF8.self) == "ok")
    }
}
