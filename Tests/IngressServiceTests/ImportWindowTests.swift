import CRMConnectors
import Config
import Foundation
@testable import IngressService
import Testing

@Suite struct ImportWindowTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000.123_456)

    @Test func withoutALastImportTheWindowIsAFullLoadEndingNow() {
        let window = ImportWindow.next(lastImport: nil, resync: false, lookBack: .seconds(60), now: now)
        #expect(window.isFullLoad)
        #expect(window.modifiedWindow == nil)
        #expect(window.end == Date(timeIntervalSince1970: 1_800_000_000.123))
    }

    @Test func aResyncIsAFullLoadEvenWithALastImport() {
        let window = ImportWindow.next(lastImport: now.addingTimeInterval(-600), resync: true, lookBack: .seconds(60), now: now)
        #expect(window.isFullLoad)
    }

    @Test func anIncrementalWindowStartsALookBackBeforeTheLastImport() {
        let last = Date(timeIntervalSince1970: 1_799_999_000)
        let window = ImportWindow.next(lastImport: last, resync: false, lookBack: .seconds(90), now: now)
        #expect(!window.isFullLoad)
        #expect(window.start == last.addingTimeInterval(-90))
        #expect(window.modifiedWindow?.start == last.addingTimeInterval(-90))
        #expect(window.modifiedWindow?.end == window.end)
    }

    @Test func theEndIsNowRoundedDownToTheMillisecondTheCRMsFilterOn() {
        let window = ImportWindow.next(lastImport: now, resync: false, lookBack: .zero, now: now)
        #expect(window.end <= now)
        #expect(now.timeIntervalSince(window.end) < 0.001)
        #expect((window.end.timeIntervalSince1970 * 1000).rounded() == (window.end.timeIntervalSince1970 * 1000))
    }

    @Test func aLastImportInTheFutureNeverGivesAWindowThatEndsBeforeItStarts() {
        let window = ImportWindow.next(lastImport: now.addingTimeInterval(3600), resync: false, lookBack: .seconds(60), now: now)
        #expect(window.start == window.end)
        #expect(window.modifiedWindow?.isEmpty == true)
    }

    @Test func theNextStartIsWhereTheWindowAfterTheOptionThisOneWritesStarts() throws {
        let window = ImportWindow.next(lastImport: now.addingTimeInterval(-30), resync: false, lookBack: .seconds(5), now: now)
        let written = try LastImportOption.parse(LastImportOption.format(window.end)).get()
        let next = ImportWindow.next(lastImport: written, resync: false, lookBack: .seconds(5), now: now.addingTimeInterval(1))
        #expect(window.nextStart(lookBack: .seconds(5)) == next.start)
        #expect(window.nextStart(lookBack: .seconds(5)) < window.end)
    }
}
