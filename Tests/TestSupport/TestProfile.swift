import Foundation

/// How big the long suites run. `make test` runs the short profile so the whole suite
/// stays well under its 30 minutes on a 2-core machine; `CRMBRIDGE_TEST_PROFILE=full`
/// runs them at the sizes their issues name (e.g. 20,000 email events), on demand:
///
///     CRMBRIDGE_TEST_PROFILE=full scripts/test.sh --filter "EmailEventVolumeTests|LateCommitTests"
///
/// A test asks for its size with `TestProfile.size(short:full:)`, so both sizes are read
/// side by side in the test.
public enum TestProfile: String, Sendable {
    case short
    case full

    /// The environment variable that selects the profile.
    public static let variable = "CRMBRIDGE_TEST_PROFILE"

    /// `full` when `CRMBRIDGE_TEST_PROFILE=full` (any case), `short` otherwise.
    public static var current: TestProfile {
        let value = ProcessInfo.processInfo.environment[variable]?.trimmingCharacters(in: .whitespaces).lowercased()
        return value == TestProfile.full.rawValue ? .full : .short
    }

    /// `short` or `full` as the profile says.
    public static func size<Value>(short: Value, full: Value) -> Value {
        current == .full ? full : short
    }
}
