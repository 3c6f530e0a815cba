import Foundation
import Testing
@testable import WorkflowRuntime

/// Roles tune glibc's malloc at start (`RoleProcess.runRole`): the lookup of `mallopt`
/// must find it, and glibc must take both settings.
@Suite struct MallocTuningTests {
    @Test func glibcTakesTheArenaCapAndTheMapThreshold() throws {
        let environment = ProcessInfo.processInfo.environment
        try #require(environment["MALLOC_ARENA_MAX"] == nil && environment["MALLOC_MMAP_THRESHOLD_"] == nil,
                     "the operator's settings would win")
        // 64 arenas is above glibc's own cap on this machine (eight per core), so the test
        // process keeps the arenas it would have had.
        #expect(MallocTuning.apply(arenas: 64, mapThreshold: MallocTuning.mapThreshold))
    }
}
