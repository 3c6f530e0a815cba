@testable import CoreValues
import Foundation
import Testing

@Suite struct EnvelopeCodingTests {
    private func date(_ text: String) throws -> Date {
        try DateTimeText.parse(text, leniency: .rfc3339).get().date
    }

    private func decode(_ json: String) -> Result<Envelope, EnvelopeError> {
        Envelope.decode(Array(json.utf8))
    }

    private func decodeError(_ json: String) -> EnvelopeError? {
        if case .failure(let error) = decode(json) {
            return error
        }
        return nil
    }

    @Test func encodesTheSpecShapeWithSortedFields() throws {
        let envelope = Envelope(
            op: .upsert, system: .dynamics, entity: "contact", id: "49b0be2e-0001",
            modifiedAt: try date("2026-01-02T03:04:05Z"),
            fields: ["lastname": "O'Bryan", "firstname": "Ann", "statecode": 0, "donotbulkemail": false,
                     "telephone1": nil])
        let json = String(decoding: envelope.encoded(), as: UTF8.self)
        #expect(json == #"{"schema":1,"op":"upsert","system":"dynamics","entity":"contact","id":"49b0be2e-0001","#
            + #""modifiedAt":"2026-01-02T03:04:05Z","fields":{"donotbulkemail":false,"firstname":"Ann","#
            + #""lastname":"O'Bryan","statecode":0,"telephone1":null}}"#)
    }

    @Test func roundTripsEveryKindOfValueAndFractionalSeconds() throws {
        let envelope = Envelope(
            op: .upsert, system: .salesforce, entity: "contact", id: "003000000000001AAA",
            modifiedAt: try date("2013-05-20T20:49:32.123Z"),
            fields: ["big": .number(try #require(JSONNumber("123456789012345678901234567890"))),
                     "decimal": .number(try #require(JSONNumber("0.10"))),
                     "exp": .number(try #require(JSONNumber("-1.5E+300"))),
                     "text": "line1\nline2\t\"quoted\" back\\slash \u{01} é 日本 🎉",
                     "yes": true, "none": nil])
        let bytes = envelope.encoded()
        let decoded = try Envelope.decode(bytes).get()
        #expect(decoded == envelope)
        #expect(String(decoding: bytes, as: UTF8.self).contains(#""modifiedAt":"2013-05-20T20:49:32.123Z""#))
        #expect(decoded.fields["big"] == .number(try #require(JSONNumber("123456789012345678901234567890"))))
    }

    @Test func encodedBytesAreValidJSONForFoundation() throws {
        let envelope = Envelope(
            op: .delete, system: .campaign, entity: "email-events", id: "42",
            modifiedAt: Date(timeIntervalSince1970: 1_700_000_000.25),
            fields: ["control": "\u{00}\u{1F}\u{7F}", "emoji": "🎉"])
        let object = try JSONSerialization.jsonObject(with: Data(envelope.encoded())) as? [String: Any]
        let fields = object?["fields"] as? [String: Any]
        #expect(fields?["control"] as? String == "\u{00}\u{1F}\u{7F}")
        #expect(object?["modifiedAt"] as? String == "2023-11-14T22:13:20.25Z")
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let envelope = try decode(
            #"{"schema":1,"op":"upsert","system":"dynamics","entity":"contact","id":"a","#
                + #""modifiedAt":"2026-01-02T03:04:05+02:00","fields":{"s":"\u00e9\ud83c\udf89\/\n"}}"#).get()
        #expect(envelope.fields["s"] == "é🎉/\n")
        #expect(envelope.modifiedAt == (try date("2026-01-02T01:04:05Z")))
    }

    @Test func deleteMayOmitFields() throws {
        let envelope = try decode(
            #"{"schema":1,"op":"delete","system":"salesforce","entity":"contact","id":"003","#
                + #""modifiedAt":"2026-01-02T03:04:05Z"}"#).get()
        #expect(envelope.op == .delete)
        #expect(envelope.fields.isEmpty)
    }

    @Test(arguments: [
        ("", EnvelopeError.Code.notJSON, "empty input"),
        ("hello", .notJSON, "not JSON"),
        ("[1,2]", .notAnObject, "must be a JSON object, found an array"),
        (#"{"schema":1,"op":"upsert""#, .notJSON, "unexpected end of input"),
        (#"{"schema":1,"op":"upsert","system":"dynamics","entity":"c","modifiedAt":"2026-01-02T03:04:05Z","fields":{}}"#,
         .missingField, "missing field `id`"),
        (#"{"schema":1,"op":"x","system":"dynamics","entity":"c","id":"1","modifiedAt":"2026-01-02T03:04:05Z","fields":{}}"#,
         .unknownOperation, #"unknown op "x" (expected upsert or delete)"#),
        (#"{"schema":2,"op":"upsert","system":"dynamics","entity":"c","id":"1","modifiedAt":"2026-01-02T03:04:05Z","fields":{}}"#,
         .unsupportedSchema, "unsupported schema 2"),
        (#"{"schema":"1","op":"upsert","system":"dynamics","entity":"c","id":"1","modifiedAt":"2026-01-02T03:04:05Z","fields":{}}"#,
         .wrongType, "field `schema` must be an integer, found a string"),
        (#"{"schema":1,"op":"upsert","system":"sap","entity":"c","id":"1","modifiedAt":"2026-01-02T03:04:05Z","fields":{}}"#,
         .unknownSystem, #"unknown system "sap""#),
        (#"{"schema":1,"op":"upsert","system":"dynamics","entity":"c","id":"1","modifiedAt":"2026-13-02T03:04:05Z","fields":{}}"#,
         .badModifiedAt, #"bad modifiedAt "2026-13-02T03:04:05Z": month 13 is out of range"#),
        (#"{"schema":1,"op":"upsert","system":"dynamics","entity":"c","id":"1","modifiedAt":"2026-01-02T03:04:05","fields":{}}"#,
         .badModifiedAt, "a time zone is required"),
        (#"{"schema":1,"op":"upsert","system":"dynamics","entity":"c","id":"1","modifiedAt":"2026-01-02T03:04:05Z","fields":[]}"#,
         .wrongType, "field `fields` must be an object, found an array"),
        (#"{"schema":1,"op":"upsert","system":"dynamics","entity":"c","id":"1","modifiedAt":"2026-01-02T03:04:05Z","fields":{"a":{"b":1}}}"#,
         .nestedFieldValue, #"fields."a" holds an object"#),
        (#"{"schema":1,"op":"upsert","system":"dynamics","entity":"c","id":"1","id":"2","modifiedAt":"2026-01-02T03:04:05Z","fields":{}}"#,
         .duplicateField, "duplicate field `id`"),
        (#"{"schema":1,"op":"upsert","system":"dynamics","entity":"c","id":"1","modifiedAt":"2026-01-02T03:04:05Z","fields":{},"extra":1}"#,
         .unknownField, #"unknown field "extra""#),
        (#"{"schema":1,"op":"upsert","system":"dynamics","entity":"c","id":"","modifiedAt":"2026-01-02T03:04:05Z","fields":{}}"#,
         .emptyValue, "field `id` must not be empty"),
        (#"{"schema":1,"op":"upsert","system":"dynamics","entity":"c","id":"1","modifiedAt":"2026-01-02T03:04:05Z","fields":{}} x"#,
         .notJSON, "trailing data"),
        (#"{"schema":1,"op":"upsert","system":"dynamics","entity":"c","id":"\ud800","modifiedAt":"2026-01-02T03:04:05Z","fields":{}}"#,
         .notJSON, "unpaired surrogate"),
        (#"{"schema":1,"op":"upsert","system":"dynamics","entity":"c","id":"1","modifiedAt":"2026-01-02T03:04:05Z","fields":{"n":01}}"#,
         .notJSON, "not JSON"),
    ])
    func rejectsBadEnvelopesSayingWhatIsWrong(json: String, code: EnvelopeError.Code, message: String) {
        let error = decodeError(json)
        #expect(error?.code == code)
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
        #expect(error?.isRetriable == false)
    }

    @Test func rejectsInvalidUTF8() {
        var bytes = Array(#"{"schema":1,"op":"upsert","system":"dynamics","entity":"c","id":"#.utf8)
        bytes += [0x22, 0xC3, 0x28, 0x22]
        bytes += Array(#","modifiedAt":"2026-01-02T03:04:05Z","fields":{}}"#.utf8)
        let result = Envelope.decode(bytes)
        guard case .failure(let error) = result else {
            Issue.record("invalid UTF-8 was accepted")
            return
        }
        #expect(error.code == .notJSON)
        #expect(error.message.contains("invalid UTF-8"))
    }

    @Test func errorMessagesNeverRepeatFieldValues() {
        let error = decodeError(
            #"{"schema":1,"op":"upsert","system":"dynamics","entity":"c","id":"1","#
                + #""modifiedAt":"2026-01-02T03:04:05Z","fields":{"email":"secret@example.com","x":[1]}}"#)
        #expect(error?.code == .nestedFieldValue)
        #expect(error?.description.contains("secret@example.com") == false)
    }
}
