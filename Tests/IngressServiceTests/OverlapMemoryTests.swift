import CRMConnectors
import Config
import CoreValues
import Foundation
@testable import IngressService
import Testing
import TestSupport

/// What a window publishes when the previous one already published part of its look-back.
@Suite struct OverlapMemoryTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let lookBack = Duration.seconds(5)

    func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }
    func record(_ id: String, _ seconds: Double) -> CRMRecord { CRMRecord(id: id, modifiedAt: at(seconds), fields: [:]) }

    /// The window that follows `memory` at `now`, reading from what it remembers.
    func window(after memory: OverlapMemory, now seconds: Double) -> ImportWindow {
        let last = memory.lastImport.flatMap { try? LastImportOption.parse($0).get() }
        return ImportWindow.next(lastImport: last, resync: false, lookBack: lookBack, now: at(seconds))
    }

    /// Runs `window` over `records` (those it contains) and completes it: the next memory.
    func complete(
        _ window: ImportWindow, _ memory: OverlapMemory, reading records: [CRMRecord], published: inout [CRMRecord]
    ) -> OverlapMemory {
        let lastImport = memory.lastImport
        var pass = memory.pass(for: window, from: lastImport, lookBack: lookBack)
        published += pass.unpublished(read(records, in: window), as: .upsert)
        return pass.memory(after: LastImportOption.format(window.end))
    }

    /// What `window` reads of `records`, as the reader filters each page.
    func read(_ records: [CRMRecord], in window: ImportWindow) -> [CRMRecord] {
        window.modifiedWindow.map { w in records.filter { w.contains($0.modifiedAt) } } ?? records
    }

    @Test func aRecordTheLastWindowPublishedInItsLookBackIsNotPublishedAgain() {
        var published: [CRMRecord] = []
        let load = ImportWindow.next(lastImport: nil, resync: false, lookBack: lookBack, now: at(10.5))
        let afterLoad = complete(load, OverlapMemory(), reading: [record("a", 8), record("b", 9.9)], published: &published)
        #expect(published.map(\.id) == ["a", "b"])
        let next = window(after: afterLoad, now: 11.5)
        #expect(next.start == at(5))
        published = []
        _ = complete(next, afterLoad, reading: [record("a", 8), record("b", 9.9)], published: &published)
        #expect(published.isEmpty)
    }

    @Test func aRecordThatChangedAgainIsPublished() {
        var published: [CRMRecord] = []
        let first = window(after: OverlapMemory(), now: 10.5)
        let memory = complete(first, OverlapMemory(), reading: [record("a", 9)], published: &published)
        published = []
        _ = complete(window(after: memory, now: 11.5), memory, reading: [record("a", 10.8)], published: &published)
        #expect(published == [record("a", 10.8)])
    }

    @Test func aRecordCommittedLateInsideTheLookBackIsPublished() {
        var published: [CRMRecord] = []
        let memory = complete(window(after: OverlapMemory(), now: 10.5), OverlapMemory(), reading: [record("a", 9)], published: &published)
        published = []
        // "b" has the very time of "a", and a time the last window covered: a late commit.
        _ = complete(window(after: memory, now: 11.5), memory, reading: [record("a", 9), record("b", 9), record("c", 7)], published: &published)
        #expect(published.map(\.id) == ["b", "c"])
    }

    @Test func aDeleteIsNotTheUpsertOfTheSameVersion() {
        let first = window(after: OverlapMemory(), now: 10.5)
        var pass = OverlapMemory().pass(for: first, from: nil, lookBack: lookBack)
        _ = pass.unpublished([record("a", 9)], as: .upsert)
        let memory = pass.memory(after: LastImportOption.format(first.end))
        var next = memory.pass(for: window(after: memory, now: 11.5), from: memory.lastImport, lookBack: lookBack)
        #expect(next.unpublished([record("a", 9)], as: .delete) == [record("a", 9)])
        #expect(next.unpublished([record("a", 9)], as: .upsert).isEmpty)
        #expect(next.skipped == 1)
    }

    @Test func onlyWhatTheNextWindowReadsAgainIsRemembered() {
        var published: [CRMRecord] = []
        let load = ImportWindow.next(lastImport: nil, resync: false, lookBack: lookBack, now: at(10.5))
        // The next window starts at 10 − 5: "old" is never read again; "edge" is, and so is
        // "later", changed while the load ran (past its end), which the load read too.
        let memory = complete(load, OverlapMemory(), reading: [record("old", 2), record("edge", 5), record("later", 10.7)], published: &published)
        #expect(Set(memory.versions.map(\.id)) == ["edge", "later"])
        published = []
        _ = complete(window(after: memory, now: 11.5), memory, reading: [record("edge", 5), record("later", 10.7)], published: &published)
        #expect(published.isEmpty)
    }

    @Test func aWindowStartingFromAnotherLastImportSkipsNothing() {
        var published: [CRMRecord] = []
        let memory = complete(window(after: OverlapMemory(), now: 10.5), OverlapMemory(), reading: [record("a", 9)], published: &published)
        // An operator set the option back a minute to read that minute again.
        let rewound = ImportWindow.next(lastImport: at(-60), resync: false, lookBack: lookBack, now: at(11.5))
        var pass = memory.pass(for: rewound, from: LastImportOption.format(at(-60)), lookBack: lookBack)
        #expect(pass.unpublished([record("a", 9)], as: .upsert) == [record("a", 9)])
    }

    @Test func aFullLoadSkipsNothingYetRemembersItsOverlap() {
        var published: [CRMRecord] = []
        let memory = complete(window(after: OverlapMemory(), now: 10.5), OverlapMemory(), reading: [record("a", 9)], published: &published)
        let resync = ImportWindow.next(lastImport: at(10), resync: true, lookBack: lookBack, now: at(11.5))
        var pass = memory.pass(for: resync, from: memory.lastImport, lookBack: lookBack)
        #expect(pass.unpublished([record("a", 9)], as: .upsert) == [record("a", 9)])
        #expect(pass.memory(after: LastImportOption.format(resync.end)).versions.count == 1)
    }

    @Test func aWindowRetriedAfterAFailureSkipsWhatTheLastCompletedWindowPublished() {
        var published: [CRMRecord] = []
        let memory = complete(window(after: OverlapMemory(), now: 10.5), OverlapMemory(), reading: [record("a", 9)], published: &published)
        // The window fails after publishing "b": its pass is dropped, the option stays.
        let failed = window(after: memory, now: 11.5)
        var dropped = memory.pass(for: failed, from: memory.lastImport, lookBack: lookBack)
        #expect(dropped.unpublished([record("a", 9), record("b", 11)], as: .upsert) == [record("b", 11)])
        // The retry starts from the same option: "a" is still skipped, "b" goes out again.
        published = []
        _ = complete(window(after: memory, now: 12.5), memory, reading: [record("a", 9), record("b", 11)], published: &published)
        #expect(published.map(\.id) == ["b"])
    }

    @Test func pastItsCapacityAWindowRemembersNoMore() {
        let first = window(after: OverlapMemory(), now: 10.5)
        var pass = OverlapMemory().pass(for: first, from: nil, lookBack: lookBack, capacity: 2)
        let records = [record("a", 9), record("b", 9), record("c", 9)]
        #expect(pass.unpublished(records, as: .upsert) == records)
        #expect(pass.remembered.count == 2)
    }

    /// A write in the simulated CRM: a version, and when its transaction becomes visible.
    struct Write {
        var record: CRMRecord
        var visibleAt: Double
    }

    /// Records written at random times, a third committed late (visible up to 3 s after
    /// their time, within the 5 s look-back), read by windows every 0.2–2 s: no version is
    /// published twice, and every record's newest version is published.
    @Test(arguments: Array(1...20) as [UInt64])
    func everyVersionIsPublishedOnceOverManyWindows(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        let writes = (0..<400).map { index in
            let time = (Double.random(in: 0..<60, using: &random) * 1000).rounded() / 1000
            let delay = Int.random(in: 0..<3, using: &random) == 0 ? Double.random(in: 0..<3, using: &random) : 0
            return Write(record: record("r\(index % 150)", time), visibleAt: time + delay)
        }
        var published: [CRMRecord] = []
        var now = 0.3
        let load = ImportWindow.next(lastImport: nil, resync: false, lookBack: lookBack, now: at(now))
        var memory = complete(load, OverlapMemory(), reading: visible(writes, at: now), published: &published)
        var skipped = 0
        while now < 70 {
            now += Double.random(in: 0.2...2, using: &random)
            let next = window(after: memory, now: now)
            var pass = memory.pass(for: next, from: memory.lastImport, lookBack: lookBack)
            published += pass.unpublished(read(visible(writes, at: now), in: next), as: .upsert)
            skipped += pass.skipped
            memory = pass.memory(after: LastImportOption.format(next.end))
        }
        let versions = Set(published.map { "\($0.id)@\($0.modifiedAt.timeIntervalSince1970)" })
        #expect(versions.count == published.count, "a version was published twice")
        #expect(skipped > 0, "no window read a record again: the simulation does not test the look-back")
        let newest = Dictionary(writes.map { ($0.record.id, $0.record.modifiedAt) }, uniquingKeysWith: max)
        let newestPublished = Dictionary(published.map { ($0.id, $0.modifiedAt) }, uniquingKeysWith: max)
        #expect(newestPublished == newest)
    }

    /// What the CRM holds at `now`: of each record, the newest version already visible.
    func visible(_ writes: [Write], at now: Double) -> [CRMRecord] {
        let current = Dictionary(
            writes.filter { $0.visibleAt <= now }.map { ($0.record.id, $0.record) },
            uniquingKeysWith: { $0.modifiedAt >= $1.modifiedAt ? $0 : $1 })
        return current.values.sorted { $0.id < $1.id }
    }
}
