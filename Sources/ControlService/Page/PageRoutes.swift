import Hummingbird
import Logging
import PostgresBridge
import WorkflowRuntime

/// `GET /` (the Workflows page), its script and style, `/healthz` and `/metrics`.
/// The page itself needs no token: it shows status and backlog only, and its script
/// calls the API with the token the operator gave (see docs/control.md).
struct PageRoutes: Sendable {
    let page: PageRenderer
    let inspector: WorkflowInspector
    let metrics: ControlMetrics
    let database: PostgresConnection
    let refreshSeconds: Int
    let logger: Logger

    func add(to router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in
            var items: [WorkflowSummary]?
            var problem: String?
            do {
                items = try await inspector.all().map(WorkflowSummary.init)
            } catch {
                logger.warning("page without workflow state", metadata: ["error": "\(error)"])
                problem = "The workflow state could not be read from the Campaign database; retrying."
            }
            return Self.text(page.workflowsPage(items, error: problem, refreshSeconds: refreshSeconds), type: "text/html; charset=utf-8")
        }
        router.get("assets/app.js") { _, _ in Self.text(page.script, type: "text/javascript; charset=utf-8") }
        router.get("assets/app.css") { _, _ in Self.text(page.style, type: "text/css; charset=utf-8") }
        router.get("healthz") { _, _ in
            do {
                _ = try await database.query("SELECT 1", [])
                return try JSONAnswer.response(["status": "ok"])
            } catch {
                return try JSONAnswer.response(
                    ["status": "unavailable", "error": "the Campaign database is not reachable"], status: .serviceUnavailable)
            }
        }
        router.get("metrics") { _, _ in
            Self.text(metrics.text(), type: "text/plain; version=0.0.4; charset=utf-8")
        }
    }

    static func text(_ body: String, type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
