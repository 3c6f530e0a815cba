@testable import Config
import Foundation
import TestSupport
import Testing

/// Damaged configuration text gives problems, never a crash.
@Suite struct ConfigFuzzTests {
    @Test func mutatedExampleFilesNeverCrashTheParser() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("crmbridge.yaml").path
        let original = Array(try String(contentsOfFile: path, encoding: .utf8).unicodeScalars)
        let alphabet = Array("{}[]:,-'\"#&*!|>%@ \n\tx0".unicodeScalars)
        var random = SeededGenerator(seed: 7)
        var rejected = 0
        for _ in 0..<300 {
            var scalars = original
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                let position = Int.random(in: 0..<scalars.count, using: &random)
                if Bool.random(using: &random) {
                    scalars.remove(at: position)
                } else {
                    scalars.insert(alphabet.randomElement(using: &random) ?? " ", at: position)
                }
            }
            var text = String.UnicodeScalarView()
            text.append(contentsOf: scalars)
            do {
                _ = try CRMBridgeConfig.parse(yaml: String(text), environment: demoEnvironment)
            } catch {
                rejected += 1
                #expect(!error.problems.isEmpty)
                #expect(error.problems.allSatisfy { !$0.description.contains("demo-secret-value") })
            }
            for workflow in WorkflowName.allCases {
                _ = try? WorkflowConfig.parse(yaml: String(text), workflow: workflow, crm: .salesforce)
            }
        }
        #expect(rejected > 0)
    }
}
