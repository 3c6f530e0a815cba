import Foundation
import Mustache
import WorkflowRuntime

/// The Workflows page: mustache templates and the page's script and style, loaded once
/// from the target's resources (`Templates/`).
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let script: String
    let style: String

    static func load() async throws -> PageRenderer {
        guard let directory = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw PageError("the Templates resource folder is missing from the ControlService bundle")
        }
        let library = try await MustacheLibrary(directory: directory.path)
        let script = try String(contentsOf: directory.appendingPathComponent("app.js"), encoding: .utf8)
        let style = try String(contentsOf: directory.appendingPathComponent("app.css"), encoding: .utf8)
        return PageRenderer(library: library, script: script, style: style)
    }

    /// The page with the workflows as they are now, so it shows status and backlog even
    /// before its script runs (or without a token); the script then keeps it fresh.
    func workflowsPage(_ items: [WorkflowSummary]?, error: String?, refreshSeconds: Int) -> String {
        let rows: [[String: Any]] = (items ?? []).map { item in
            [
                "name": item.name,
                "status": item.status,
                "statusClass": item.status.lowercased(),
                "statusReason": item.statusReason ?? "",
                "backlog": Self.grouped(item.backlog),
                "runningVersion": item.runningVersion.map(String.init) ?? "–",
                "editedVersion": String(item.editedVersion),
                "pendingChanges": item.pendingChanges,
                "lastError": item.lastError == item.statusReason ? "" : item.lastError ?? "",
                "toggleLabel": item.desiredState == "running" ? "Stop" : "Start",
                "toggleAction": item.desiredState == "running" ? "stop" : "start",
            ]
        }
        let context: [String: Any] = [
            "workflows": rows,
            "error": error ?? "",
            "hasError": error != nil,
            "refreshSeconds": refreshSeconds,
        ]
        return library.render(context, withTemplate: "workflows") ?? "<!doctype html><title>CRM Bridge</title><p>page template missing</p>"
    }

    /// 1234567 → "1 234 567" (thin spaces read well in a table).
    static func grouped(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "\u{2009}" }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }
}

struct PageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
