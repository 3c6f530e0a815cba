@testable import CoreValues
import Foundation
import Testing

/// A rough guard on the hot path, not a benchmark: it catches a pathological slowdown
/// (a quadratic loop, a formatter per call) even in a debug build on a busy 2-core machine.
/// Measured with `-O` on that machine: about 300k encodes/s and 140k decodes/s for this
/// contact, against about 90k/s for `JSONSerialization` parsing alone.
@Suite struct EnvelopeThroughputTests {
    private static let contact = Envelope(
        op: .upsert, system: .dynamics, entity: "contact", id: "49b0be2e-cc35-e811-a94f-000d3a109cdb",
        modifiedAt: Date(timeIntervalSince1970: 1_767_322_245),
        fields: ["contactid": "49b0be2e-cc35-e811-a94f-000d3a109cdb", "firstname": "Ann", "lastname": "O'Bryan",
                 "emailaddress1": "ann.obryan@example.com", "telephone1": "+33 1 23 45 67 89",
                 "donotbulkemail": false, "donotemail": false, "statecode": 0, "statuscode": 1,
                 "birthdate": "1980-02-29", "createdon": "2023-04-07T21:59:01Z",
                 "modifiedon": "2026-01-02T03:04:05Z", "_parentcustomerid_value": nil])

    @Test func encodesAndDecodesTypicalContactsQuickly() throws {
        let count = 20_000
        var buffer: [UInt8] = []
        let clock = ContinuousClock()
        let encodeTime = clock.measure {
            for _ in 0..<count {
                buffer.removeAll(keepingCapacity: true)
                Self.contact.encode(into: &buffer)
            }
        }
        let bytes = Self.contact.encoded()
        var ok = 0
        let decodeTime = clock.measure {
            for _ in 0..<count {
                if case .success = Envelope.decode(bytes) { ok += 1 }
            }
        }
        #expect(ok == count)
        let encodeRate = Double(count) / (Double(encodeTime.components.attoseconds) / 1e18 + Double(encodeTime.components.seconds))
        let decodeRate = Double(count) / (Double(decodeTime.components.attoseconds) / 1e18 + Double(decodeTime.components.seconds))
        print("envelope encode \(Int(encodeRate))/s, decode \(Int(decodeRate))/s (\(bytes.count) bytes)")
        #expect(encodeRate > 2_000)
        #expect(decodeRate > 2_000)
    }
}
