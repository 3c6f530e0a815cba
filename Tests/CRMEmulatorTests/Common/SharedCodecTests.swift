import CoreValues
import Foundation
import NIOCore
import Testing
@testable import CRMEmulatorCore

/// The pieces both emulators share: calendar arithmetic, percent and form decoding, JSON
/// string escaping, base64url, and each CRM's own date wire format on top of them.
@Suite struct SharedCodecTests {
    @Test func civilCalendarRoundTripsEveryDayFrom1900To2100() {
        let start = CivilCalendar.days(year: 1900, month: 1, day: 1)
        let end = CivilCalendar.days(year: 2100, month: 12, day: 31)
        var mismatches = 0
        for days in start...end {
            let (year, month, day) = CivilCalendar.civil(days: days)
            if !CivilCalendar.isValid(year: year, month: month, day: day) || CivilCalendar.days(year: year, month: month, day: day) != days {
                mismatches += 1
            }
        }
        #expect(mismatches == 0)
        #expect(CivilCalendar.days(year: 1970, month: 1, day: 1) == 0)
        #expect(CivilCalendar.days(year: 2000, month: 2, day: 29) == 11_016)
        #expect(!CivilCalendar.isValid(year: 1900, month: 2, day: 29))
    }

    @Test func instantsBefore1970FallOnThePreviousDay() {
        #expect(CivilCalendar.days(of: -1) == -1)
        #expect(CivilCalendar.millisecondOfDay(-1) == 86_399_999)
        #expect(DynamicsDateTime.format(milliseconds: -1000) == "1969-12-31T23:59:59Z")
        #expect(SalesforceDateTime.format(-1) == "1969-12-31T23:59:59.999+0000")
    }

    @Test func eachCRMKeepsItsOwnDateTimeWireFormat() {
        #expect(DynamicsDateTime.format(milliseconds: 1_680_904_741_123) == "2023-04-07T21:59:01Z")
        #expect(SalesforceDateTime.format(1_369_082_972_000) == "2013-05-20T20:49:32.000+0000")
        #expect(DynamicsDateTime.format(days: 11_016) == "2000-02-29")
        #expect(SalesforceDateTime.formatDate(11_016) == "2000-02-29")
        #expect(DynamicsDateTime.formatTokenTimestamp(milliseconds: 1_680_904_741_000) == "04/07/2023 21:59:01")
    }

    @Test func dynamicsParsesItsDateTimeFormsAndRefusesOthers() {
        #expect(DynamicsDateTime.parseDateTime("2023-04-07T23:59:01.5+02:00") == 1_680_904_741_500)
        #expect(DynamicsDateTime.parseDateTime("2023-04-07 21:59z") == 1_680_904_740_000)
        #expect(DynamicsDateTime.parseDateTime("2023-04-07T21:59:01+0200") == nil)
        #expect(DynamicsDateTime.parseDateTime("2023-02-30T00:00:00Z") == nil)
        #expect(DynamicsDateTime.parseDateTime("2023-04-07T21:59:01.Z") == nil)
        #expect(DynamicsDateTime.parseDate("2024-01-02") == Int32(CivilCalendar.days(year: 2024, month: 1, day: 2)))
        #expect(DynamicsDateTime.parseDate("2024-01-02T00:00:00Z") == nil)
        #expect(DynamicsDateTime.parseTokenTimestamp("04/07/2023 21:59:01") == 1_680_904_741_000)
    }

    @Test func salesforceParsesItsDateTimeFormsAndRefusesOthers() {
        #expect(SalesforceDateTime.parseDateTime("2013-05-20T20:49:32.000+0000") == 1_369_082_972_000)
        #expect(SalesforceDateTime.parseDateTime("2013-05-20T21:49:32 01:00") == 1_369_082_972_000)
        #expect(SalesforceDateTime.parseDateTime("2013-05-20T20:49Z") == nil)
        #expect(SalesforceDateTime.parseDate("2013-02-29") == nil)
    }

    @Test func percentDecodingTreatsPlusAsTheCallerSays() {
        #expect(PercentEncoding.decode("a%2Fb+c%zz%4", plusIsSpace: false) == "a/b+c%zz%4")
        #expect(PercentEncoding.decode("a%2fb+c", plusIsSpace: true) == "a/b c")
        #expect(PercentEncoding.encode("919042!08/22 é") == "919042%2108%2f22%20%c3%a9")
        #expect(FormDecoding.dictionary("a=1&b=x+y&a=2&c") == ["a": "1", "b": "x y", "c": ""])
    }

    @Test func jsonStringsEscapeControlCharactersInEachCRMsForm() {
        let text = "q\"b\\\n\r\t\u{8}\u{C}\u{1}é"
        var short = ByteBuffer()
        JSONStringEscaper.write(text, to: &short, backspaceAndFormFeed: .shortEscapes)
        #expect(String(buffer: short) == #""q\"b\\\n\r\t\b\f\u0001é""#)
        var unicode = ByteBuffer()
        JSONStringEscaper.write(text, to: &unicode, backspaceAndFormFeed: .unicodeEscapes)
        #expect(String(buffer: unicode) == #""q\"b\\\n\r\t\u0008\u000c\u0001é""#)
    }

    @Test func base64URLRoundTripsWithoutPadding() {
        let data = Data([0xFB, 0xFF, 0x01, 0x02])
        let text = Base64URL.encode(data)
        #expect(text == "-_8BAg")
        #expect(Base64URL.decode(text) == data)
        #expect(Base64URL.decode("*") == nil)
    }
}
