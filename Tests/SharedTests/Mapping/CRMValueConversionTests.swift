import CoreValues
import Mapping
import Testing

/// Campaign values on their way to the CRM: date-times as UTC with at most milliseconds,
/// dates as `yyyy-MM-dd`, everything else unchanged.
@Suite struct CRMValueConversionTests {
    @Test(arguments: [
        // PostgreSQL's JSON forms of timestamptz (any session offset), timestamp and date.
        ("2026-03-31T02:30:00.123456+02:00", "2026-03-31T00:30:00.123Z"),
        ("2026-01-01T00:00:00+00:00", "2026-01-01T00:00:00Z"),
        ("2025-12-31T23:30:00-02:00", "2026-01-01T01:30:00Z"),
        ("2026-03-31T02:30:00", "2026-03-31T02:30:00Z"),
        ("2026-03-31 02:30:00.5+05:30", "2026-03-30T21:00:00.5Z"),
        ("2026-03-31", "2026-03-31"),
        // Not shaped like a date: unchanged.
        ("Paris", "Paris"),
        ("2026-03-31 meeting", "2026-03-31 meeting"),
    ])
    func theDefaultSendsDateTimesInUTC(input: String, expected: String) {
        #expect(CRMValueConversion.default.convert(.string(input)) == .success(.string(expected)))
    }

    @Test func otherValuesPassAndNullStaysNull() {
        for value in [FieldValue.null, .bool(true), .number(JSONNumber(42))] {
            for conversion in [CRMValueConversion.default, .copy] {
                #expect(conversion.convert(value) == .success(value))
            }
        }
        #expect(CRMValueConversion.dateOnly.convert(.null) == .success(.null))
        #expect(CRMValueConversion.copy.convert(.string("2026-03-31T02:30:00+02:00")) == .success(.string("2026-03-31T02:30:00+02:00")))
    }

    @Test func dateOnlyKeepsTheDayAsWritten() {
        #expect(CRMValueConversion.dateOnly.convert(.string("2026-03-31T23:30:00-02:00")) == .success(.string("2026-03-31")))
        #expect(CRMValueConversion.dateOnly.convert(.string("2026-03-31")) == .success(.string("2026-03-31")))
    }

    @Test func aBadDateIsAnErrorThatDoesNotRepeatTheValue() throws {
        guard case .failure(let error) = CRMValueConversion.default.convert(.string("2026-02-30T10:00:00Z")) else {
            Issue.record("an impossible date was accepted")
            return
        }
        #expect(error.code == .badDateTime)
        #expect(!error.message.contains("2026-02-30"))
        guard case .failure(let notADate) = CRMValueConversion.dateOnly.convert(.number(JSONNumber(7))) else {
            Issue.record("a number was accepted as a date")
            return
        }
        #expect(notADate.code == .notADate)
        guard case .failure = CRMValueConversion.dateOnly.convert(.string("Paris")) else {
            Issue.record("text was accepted as a date")
            return
        }
    }
}
