import Config
@testable import ControlService
import Foundation
import TestSupport
import Testing
import WorkflowRuntime

/// The campaign-to-crm reader's cursor options are set like LASTIMPORT: validated by their
/// own form (`<stamp>:<id>`), only for a source the workflow has, and nothing stored on error.
@Suite struct LastExportOptionTests {
    let option = "LASTEXPORT_test_campaign-to-crm_email-events"

    @Test func aLastExportCursorIsValidatedThenStored() async throws {
        try await ControlHarness.with { harness in
            for bad in ["2026/01/02 03:04:05", "1:-2", "12", "a:b", "1:2:3", " 1:2"] {
                let answer = try await harness.call("PUT", "/api/options/\(option)", json: ["value": bad])
                #expect(answer.status == 400, "\"\(bad)\"")
                #expect((answer.object["error"] as? String)?.contains("<transaction stamp>:<event id>") == true, "\(answer.object)")
            }
            let unknownSource = try await harness.call(
                "PUT", "/api/options/LASTEXPORT_test_campaign-to-crm_nobody", json: ["value": "1:2"])
            #expect(unknownSource.status == 400)
            #expect((unknownSource.object["error"] as? String)?.contains(option) == true, "names the expected option")
            #expect(try await harness.call("GET", "/api/options").array.isEmpty, "nothing stored by refused calls")

            let set = try await harness.call("PUT", "/api/options/\(option)", json: ["value": "7412:1200345"])
            #expect(set.status == 200)
            #expect(set.object["warning"] == nil, "no warning while the workflow is stopped")
            #expect(try await harness.call("GET", "/api/options/\(option)").object["value"] as? String == "7412:1200345")
        }
    }
}
