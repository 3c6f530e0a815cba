import Campaign
import Config
import Foundation
import Testing
@testable import EgressService

/// The reader's decisions, alone: which rows go, and when a held-back horizon is reported.
@Suite struct ReaderRulesTests {
    static func row(_ type: String?, bounce: String? = nil) -> EmailEventRow {
        EmailEventRow(cursor: .init(xid: 1, id: 1), eventType: type, crmID: "c", occurredAt: Date(), bounceType: bounce)
    }

    @Test func switchedOffTypesAndSoftBouncesStayButUnknownTypesGoToBeRejected() {
        var config = CampaignToCRMConfig.EmailEvents(enabled: true)
        config.types.open = false
        let selection = EmailEventSelection(config)
        #expect(selection.accepts(Self.row("send")))
        #expect(!selection.accepts(Self.row("open")))
        #expect(selection.accepts(Self.row("bounce", bounce: "HARD")))
        #expect(!selection.accepts(Self.row("bounce", bounce: "soft")))
        #expect(!selection.accepts(Self.row("bounce")))
        #expect(selection.accepts(Self.row("forward")))
        #expect(selection.accepts(Self.row(nil)))
        config.hardBouncesOnly = false
        #expect(EmailEventSelection(config).accepts(Self.row("bounce", bounce: "soft")))
    }

    @Test func aHorizonIsReportedHeldBackOnlyWhileCommittedEventsWaitBehindIt() {
        var watch = HorizonWatch(warnAfter: .seconds(60))
        let start = ContinuousClock.now
        #expect(watch.observe(horizon: 10, waiting: 0, at: start) == .init(heldBack: .zero, waiting: 0, warning: nil))
        #expect(watch.observe(horizon: 10, waiting: 3, at: start + .seconds(5)).heldBack == .zero)
        let early = watch.observe(horizon: 10, waiting: 4, at: start + .seconds(50))
        #expect(early.heldBack == .seconds(45))
        #expect(early.warning == nil)
        let late = watch.observe(horizon: 10, waiting: 4, at: start + .seconds(70))
        #expect(late.warning?.contains("held back 4 committed email event(s) for 65s") == true)
        // A newer transaction now holds them: counted from when it was first seen.
        #expect(watch.observe(horizon: 12, waiting: 4, at: start + .seconds(80)) == .init(heldBack: .zero, waiting: 4, warning: nil))
        #expect(watch.observe(horizon: 12, waiting: 0, at: start + .seconds(200)).warning == nil)
    }

    @Test func theCursorOptionIsTwoNumbersOrAClearError() throws {
        #expect(try EmailEventCursor.parse("7412:1200345").get() == EmailEventCursor(xid: 7412, id: 1_200_345))
        for bad in ["", "12", "a:b", "1:-2", "1:2:3"] {
            guard case .failure(let error) = EmailEventCursor.parse(bad) else {
                Issue.record("\"\(bad)\" was accepted")
                continue
            }
            #expect(error.message.contains("<transaction stamp>:<event id>"))
        }
    }
}
