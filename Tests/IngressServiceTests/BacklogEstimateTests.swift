@testable import IngressService
import Testing

/// The decisions of `BacklogGate`, which asks the writers' lag only when its estimate
/// cannot tell.
@Suite struct BacklogEstimateTests {
    let t0 = ContinuousClock.now

    @Test func beforeAnyMeasureThePageWaitsForOne() {
        var estimate = BacklogEstimate(maxBacklog: 1_000)
        let r1 = estimate.admitsWithoutMeasuring(10, now: t0)
        #expect(!r1)
    }

    @Test func belowTheBoundAPageGoesAndIsCountedIntoTheEstimate() {
        var estimate = BacklogEstimate(maxBacklog: 1_000)
        let r2 = estimate.measured(lag: 400, admitting: 100, now: t0)
        #expect(r2)
        let r3 = estimate.admitsWithoutMeasuring(300, now: t0 + .milliseconds(100))
        #expect(r3)
        #expect(estimate.publishedSince == 400)
        // 400 lag + 400 published + 200 more reaches the bound: measure again.
        let r4 = estimate.admitsWithoutMeasuring(200, now: t0 + .milliseconds(200))
        #expect(!r4)
        #expect(estimate.publishedSince == 400)
    }

    @Test func atOrAboveTheBoundNothingGoesUntilTheWritersCatchUp() {
        var estimate = BacklogEstimate(maxBacklog: 1_000)
        let r5 = estimate.measured(lag: 1_000, admitting: 1, now: t0)
        #expect(!r5)
        let r6 = estimate.admitsWithoutMeasuring(1, now: t0)
        #expect(!r6)
        let r7 = estimate.measured(lag: 999, admitting: 1, now: t0 + .milliseconds(250))
        #expect(r7)
    }

    @Test func anOldMeasureIsNotTrustedEvenFarBelowTheBound() {
        var estimate = BacklogEstimate(maxBacklog: 1_000_000)
        let r8 = estimate.measured(lag: 0, admitting: 1, now: t0)
        #expect(r8)
        let r9 = estimate.admitsWithoutMeasuring(1, now: t0 + .milliseconds(999))
        #expect(r9)
        let r10 = estimate.admitsWithoutMeasuring(1, now: t0 + .seconds(1))
        #expect(!r10)
    }
}
