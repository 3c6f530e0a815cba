@testable import IngressService
import Testing

/// The reader's status while the shared budget limiter holds its calls back for the
/// daily allocation, and after it resumes.
@Suite struct CRMAnswerWatchHoldBackTests {
    @Test func aHoldBackShowsAsTheReasonUntilTheNextAnswer() {
        let watch = CRMAnswerWatch(notAnsweringAfter: .seconds(60))
        watch.callStarted()
        watch.callAnswered()
        #expect(watch.reason == nil)
        watch.callHeldBack("holding back: API allocation 91% used")
        #expect(watch.reason == "holding back: API allocation 91% used")
        watch.callStarted()
        watch.callAnswered()
        #expect(watch.reason == nil)
    }
}
