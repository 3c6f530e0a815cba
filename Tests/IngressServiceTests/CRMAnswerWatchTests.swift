@testable import IngressService
import Synchronization
import Testing

/// When the reader says the CRM is not answering: from the first call left without an
/// answer until the next answer, past the configured time; never while it answers.
@Suite struct CRMAnswerWatchTests {
    /// A clock the test moves by hand.
    final class Clock: Sendable {
        private let instant = Mutex(ContinuousClock.now)
        var now: ContinuousClock.Instant { instant.withLock { $0 } }
        func advance(_ duration: Duration) { instant.withLock { $0 += duration } }
    }

    let clock = Clock()

    func watch(after: Duration = .seconds(60)) -> CRMAnswerWatch {
        let clock = clock
        return CRMAnswerWatch(notAnsweringAfter: after, now: { clock.now })
    }

    @Test func aCallWithoutAnAnswerShowsOnlyAfterTheConfiguredTime() {
        let watch = watch()
        watch.callStarted()
        clock.advance(.seconds(59))
        #expect(watch.reason == nil)
        clock.advance(.seconds(16))
        #expect(watch.reason == "CRM not answering for 75 s (retrying)")
    }

    @Test func theReasonNamesTheLastFailureAndCountsFromTheFirstUnansweredCall() {
        let watch = watch()
        watch.callStarted()
        clock.advance(.seconds(30))
        watch.callFailed("dynamics query contacts failed (transport): timed out")
        watch.callStarted()
        clock.advance(.seconds(45))
        #expect(watch.reason == "CRM not answering for 75 s (retrying): dynamics query contacts failed (transport): timed out")
    }

    @Test func anAnswerClearsTheReason() {
        let watch = watch()
        watch.callStarted()
        clock.advance(.seconds(90))
        #expect(watch.reason != nil)
        watch.callAnswered()
        #expect(watch.reason == nil)
        clock.advance(.seconds(90))
        #expect(watch.reason == nil, "an idle reader between windows is not a silent CRM")
    }

    @Test func aFailedWindowKeepsTheSilenceGoingUntilTheNextAnswer() {
        let watch = watch(after: .seconds(10))
        watch.windowFailed("entity contact: salesforce query Contact failed (unavailable, HTTP 503)")
        clock.advance(.seconds(11))
        #expect(watch.reason?.hasSuffix("HTTP 503)") == true)
        watch.callStarted()
        watch.callAnswered()
        #expect(watch.reason == nil)
    }

    @Test func aCallAbandonedWithoutAFailureSaysNothingOfTheCRM() {
        let watch = watch(after: .seconds(10))
        watch.callStarted()
        watch.callAbandoned()
        clock.advance(.seconds(60))
        #expect(watch.reason == nil)
    }
}
