@testable import CoreValues
@testable import Mapping
import Testing

@Suite struct FieldConversionTests {
    private func text(_ conversion: FieldConversion, _ value: FieldValue) throws -> String? {
        try conversion.convert(value).get()
    }

    private func error(_ conversion: FieldConversion, _ value: FieldValue) -> ConversionError? {
        if case .failure(let error) = conversion.convert(value) {
            return error
        }
        return nil
    }

    @Test(arguments: [
        ("2023-04-07T21:59:01Z", "2023-04-07T21:59:01Z"),
        ("2013-05-20T20:49:32.000+0000", "2013-05-20T20:49:32Z"),
        ("2013-05-20T20:49:32.120+0000", "2013-05-20T20:49:32.12Z"),
        ("2024-03-31T02:30:00+02:00", "2024-03-31T00:30:00Z"),
        // Europe/Paris, 2024-10-27: 02:30 happens twice, once per offset.
        ("2024-10-27T02:30:00+02:00", "2024-10-27T00:30:00Z"),
        ("2024-10-27T02:30:00+01:00", "2024-10-27T01:30:00Z"),
        ("2024-01-01T00:30:00+01:00", "2023-12-31T23:30:00Z"),
        ("2024-02-29T23:00:00-05:00", "2024-03-01T04:00:00Z"),
        ("2024-06-01 12:00:00+02", "2024-06-01T10:00:00Z"),
        ("2024-06-01T12:00Z", "2024-06-01T12:00:00Z"),
    ])
    func defaultNormalisesDateTimesToUTC(input: String, expected: String) throws {
        #expect(try text(.default, .string(input)) == expected)
    }

    @Test func defaultPassesOtherValuesAsText() throws {
        #expect(try text(.default, "Ann") == "Ann")
        #expect(try text(.default, "2024-02-30 is not a date but text") == "2024-02-30 is not a date but text")
        #expect(try text(.default, "1980-02-29") == "1980-02-29")
        #expect(try text(.default, "2024-03-31T02:30:00") == "2024-03-31T02:30:00")
        #expect(try text(.default, .number(try #require(JSONNumber("12345678901234567890.5")))) == "12345678901234567890.5")
        #expect(try text(.default, true) == "true")
        #expect(try text(.default, nil) == nil)
    }

    @Test func defaultRefusesValuesShapedLikeBadDates() {
        #expect(error(.default, "2024-13-01T00:00:00Z")?.code == .badDateTime)
        #expect(error(.default, "2023-02-29")?.message.contains("day 29 is out of range") == true)
        #expect(error(.default, "2024-03-31T25:00:00Z")?.message.contains("hour 25") == true)
        #expect(error(.default, "2024-03-31T10:00:00+02:00:00")?.code == .badDateTime)
    }

    @Test(arguments: [
        ("2024-03-31", "2024-03-31"),
        ("2024-03-31T02:30:00+02:00", "2024-03-31"),
        // The date as written, even where UTC is already the next day.
        ("2024-03-31T23:30:00-02:00", "2024-03-31"),
        ("2024-10-27T00:30:00+02:00", "2024-10-27"),
        ("2013-05-20T20:49:32.000+0000", "2013-05-20"),
    ])
    func dateOnlyKeepsTheWrittenDate(input: String, expected: String) throws {
        #expect(try text(.dateOnly, .string(input)) == expected)
    }

    @Test(arguments: [
        // Europe/Paris spring forward: 02:30 does not exist on the wall clock, kept anyway.
        ("2024-03-31T02:30:00+02:00", "2024-03-31 02:30:00"),
        ("2024-03-31T03:30:00+02:00", "2024-03-31 03:30:00"),
        ("2024-10-27T02:30:00+02:00", "2024-10-27 02:30:00"),
        ("2024-10-27T02:30:00+01:00", "2024-10-27 02:30:00"),
        ("2013-05-20T20:49:32.120+0000", "2013-05-20 20:49:32.120"),
        ("2024-03-31", "2024-03-31 00:00:00"),
        ("2024-03-31T02:30:00Z", "2024-03-31 02:30:00"),
    ])
    func withoutTimeOffsetKeepsTheWallClock(input: String, expected: String) throws {
        #expect(try text(.withoutTimeOffset, .string(input)) == expected)
    }

    @Test func dateConversionsRefuseWhatIsNoDate() {
        #expect(error(.dateOnly, "tomorrow")?.code == .badDateTime)
        #expect(error(.dateOnly, 20240331)?.code == .notADate)
        #expect(error(.withoutTimeOffset, true)?.message == "withoutTimeOffset expects a date or a date-time, found a boolean")
        #expect(error(.withoutTimeOffset, "31/03/2024")?.message.contains("expected ISO 8601") == true)
        #expect(error(.dateOnly, "secret-2024")?.message.contains("secret") == false)
    }

    @Test func copyKeepsTheRawText() throws {
        #expect(try text(.copy, "2024-03-31T02:30:00+02:00") == "2024-03-31T02:30:00+02:00")
        #expect(try text(.copy, "2024-13-99") == "2024-13-99")
        #expect(try text(.copy, .number(try #require(JSONNumber("1.50")))) == "1.50")
        #expect(try text(.copy, false) == "false")
        #expect(try text(.copy, nil) == nil)
    }

    @Test func conversionNamesMatchTheConfigFile() {
        #expect(FieldConversion.allCases.map(\.rawValue) == ["default", "dateOnly", "withoutTimeOffset", "copy"])
    }
}

@Suite struct ReplacementRuleTests {
    private let rules = [
        ReplacementRule(from: "N/A", to: nil),
        ReplacementRule(from: nil, to: "unknown"),
        ReplacementRule(from: "1", to: "yes"),
        ReplacementRule(from: "true", to: "Y"),
        ReplacementRule(from: "2024-03-31T02:30:00+02:00", to: "2024-03-31T03:30:00+02:00"),
    ]

    @Test func replacesExactMatchesOnly() {
        #expect(rules.apply(to: "N/A") == .null)
        #expect(rules.apply(to: "n/a") == "n/a")
        #expect(rules.apply(to: "N/A ") == "N/A ")
        #expect(rules.apply(to: nil) == "unknown")
        #expect(rules.apply(to: 1) == "yes")
        #expect(rules.apply(to: true) == "Y")
        #expect(rules.apply(to: "other") == "other")
    }

    @Test func replacementsRunBeforeTheConversion() throws {
        let replaced = rules.apply(to: "2024-03-31T02:30:00+02:00")
        #expect(try FieldConversion.default.convert(replaced).get() == "2024-03-31T01:30:00Z")
    }
}
