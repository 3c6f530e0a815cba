import Foundation

/// How big the long end-to-end tests run. `make test` runs the short profile, so the
/// whole suite stays well under its time budget; `CRMBRIDGE_TEST_PROFILE=full` runs the
/// issue's sizes (README, "Tests").
enum TestProfile: String {
    case short
    case full

    static var current: TestProfile {
        ProcessInfo.processInfo.environment["CRMBRIDGE_TEST_PROFILE"].flatMap(TestProfile.init(rawValue:)) ?? .short
    }

    /// Random flips of `BidirectionalTests` (the issue: 1,000) and the contacts they touch.
    var bidirectionalFlips: (flips: Int, contacts: Int) {
        self == .full ? (1000, 100) : (300, 40)
    }

    /// How long `NoEchoTests` watches a quiet system (the issue: a minute).
    var quietSeconds: Double {
        self == .full ? 60 : 8
    }
}
