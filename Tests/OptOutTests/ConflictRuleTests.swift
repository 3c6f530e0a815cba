import Foundation
@testable import OptOutService
import Testing

/// The conflict rule alone (SPEC §2.3), for a Campaign change against the CRM's value.
@Suite struct ConflictRuleTests {
    let base = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z

    func at(_ seconds: Double) -> Date { base.addingTimeInterval(seconds) }

    @Test func aNewerCampaignChangeWinsAndANewerCRMValueStays() {
        #expect(ConflictRule.campaignChangeApplies(value: false, time: at(2.1), crmValue: true, crmTime: at(1), crmFromSync: false))
        #expect(!ConflictRule.campaignChangeApplies(value: false, time: at(1.9), crmValue: true, crmTime: at(2), crmFromSync: false))
        #expect(!ConflictRule.campaignChangeApplies(value: true, time: at(1.9), crmValue: false, crmTime: at(2), crmFromSync: false))
    }

    @Test func withinTheSameSecondOptOutWins() {
        #expect(ConflictRule.campaignChangeApplies(value: true, time: at(5.9), crmValue: false, crmTime: at(5), crmFromSync: false))
        #expect(!ConflictRule.campaignChangeApplies(value: false, time: at(5.9), crmValue: true, crmTime: at(5), crmFromSync: false))
    }

    @Test func anEqualValueIsNeverWritten() {
        #expect(!ConflictRule.campaignChangeApplies(value: true, time: at(9), crmValue: true, crmTime: at(1), crmFromSync: false))
        #expect(!ConflictRule.campaignChangeApplies(value: false, time: at(9), crmValue: false, crmTime: at(1), crmFromSync: true))
    }

    @Test func aCRMValueThisSyncWroteYieldsToANewerCampaignChangeEvenWithinTheSecond() {
        // The CRM value is Campaign's change of 5.2 s: a flip at 5.7 s is simply newer.
        #expect(ConflictRule.campaignChangeApplies(value: false, time: at(5.7), crmValue: true, crmTime: at(5.2), crmFromSync: true))
        // A replayed older Campaign change does not undo it.
        #expect(!ConflictRule.campaignChangeApplies(value: false, time: at(5.1), crmValue: true, crmTime: at(5.2), crmFromSync: true))
    }
}
