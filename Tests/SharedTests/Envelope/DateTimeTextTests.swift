@testable import CoreValues
import Foundation
import Testing

@Suite struct DateTimeTextTests {
    @Test func civilArithmeticAgreesWithFoundationOverCenturies() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        // From 1600 on: Foundation switches to the Julian calendar before 1582.
        for days in stride(from: -135_000, through: 2_900_000, by: 997) {
            let date = Date(timeIntervalSince1970: Double(days) * 86_400)
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            let civil = CivilCalendar.civil(days: days)
            #expect(civil.year == parts.year && civil.month == parts.month && civil.day == parts.day)
            #expect(CivilCalendar.days(year: civil.year, month: civil.month, day: civil.day) == days)
            #expect(CivilCalendar.isValid(year: civil.year, month: civil.month, day: civil.day))
        }
    }

    @Test func formatsInstantsAsRFC3339UTC() {
        #expect(DateTimeText.rfc3339(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(DateTimeText.rfc3339(Date(timeIntervalSince1970: 1_767_323_045)) == "2026-01-02T03:04:05Z")
        #expect(DateTimeText.rfc3339(Date(timeIntervalSince1970: 1_767_323_045.5)) == "2026-01-02T03:04:05.5Z")
        #expect(DateTimeText.rfc3339(Date(timeIntervalSince1970: -0.25)) == "1969-12-31T23:59:59.75Z")
    }

    @Test func strictRFC3339RefusesLenientForms() {
        for text in ["2026-01-02", "2026-01-02 03:04:05Z", "2026-01-02T03:04Z", "2026-01-02T03:04:05+0200",
                     "2026-01-02T03:04:05", "2026-01-02T03:04:05.Z", "2026-01-02T03:04:60Z", "26-01-02T03:04:05Z"] {
            #expect((try? DateTimeText.parse(text, leniency: .rfc3339).get()) == nil, "\(text)")
        }
        #expect((try? DateTimeText.parse("2026-01-02t03:04:05.123456789z", leniency: .rfc3339).get()) == nil)
        #expect((try? DateTimeText.parse("2026-01-02T03:04:05.123456789z", leniency: .rfc3339).get()) != nil)
    }

    @Test func offsetsShiftTheInstant() throws {
        let paris = try DateTimeText.parse("2024-10-27T02:30:00+01:00").get()
        #expect(paris.utcString == "2024-10-27T01:30:00Z")
        #expect(paris.wallClockString == "2024-10-27 02:30:00")
        #expect(paris.date == Date(timeIntervalSince1970: 1_729_992_600))
        let west = try DateTimeText.parse("2024-12-31T23:30:00-01:30").get()
        #expect(west.utcString == "2025-01-01T01:00:00Z")
    }
}
