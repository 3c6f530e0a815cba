@testable import CoreValues
import Foundation
import TestSupport
import Testing

/// Random and mutated inputs must give an envelope or an error value, never a trap.
@Suite struct EnvelopeFuzzTests {
    private static let valid = Array(
        (#"{"schema":1,"op":"upsert","system":"dynamics","entity":"contact","id":"49b0","#
            + #""modifiedAt":"2026-01-02T03:04:05.5+01:00","fields":{"a":"x\u00e9\n","b":-1.5e3,"c":true,"d":null}}"#)
            .utf8)

    @Test func randomBytesNeverCrashTheDecoder() {
        var random = SeededGenerator(seed: 1)
        var failures = 0
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...96, using: &random)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            if case .failure = Envelope.decode(bytes) {
                failures += 1
            }
        }
        #expect(failures == 20_000)
    }

    @Test func mutatedValidEnvelopesNeverCrashTheDecoder() {
        #expect((try? Envelope.decode(Self.valid).get()) != nil)
        var random = SeededGenerator(seed: 2)
        let alphabet = Array(#"{}[]":,\-+.0123456789eEtfnulZT u"#.utf8) + [0x00, 0xFF, 0xC3, 0xED]
        var decoded = 0
        for _ in 0..<20_000 {
            var bytes = Self.valid
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0...2, using: &random) {
                case 0: bytes[position] = alphabet.randomElement(using: &random) ?? 0
                case 1: bytes.remove(at: position)
                default: bytes.insert(alphabet.randomElement(using: &random) ?? 0, at: position)
                }
                if bytes.isEmpty { break }
            }
            if case .success(let envelope) = Envelope.decode(bytes) {
                decoded += 1
                // Whatever was accepted must encode and decode to itself.
                #expect(Envelope.decode(envelope.encoded()).map { $0 == envelope } == .success(true))
            }
        }
        #expect(decoded < 20_000)
    }

    @Test func truncatedEnvelopesAreAllRejected() {
        for length in 0..<Self.valid.count {
            let result = Envelope.decode(Array(Self.valid[0..<length]))
            guard case .failure(let error) = result else {
                Issue.record("a truncated envelope of \(length) bytes was accepted")
                continue
            }
            #expect(!error.message.isEmpty)
        }
    }
}
