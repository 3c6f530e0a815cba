import Testing
import CRMEmulatorCore

@Suite struct EmulatorVersionTests {
    @Test func versionIsSet() { #expect(!EmulatorVersion.current.isEmpty) }
}
