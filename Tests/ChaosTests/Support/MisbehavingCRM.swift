import Foundation
import TestSupport

/// A CRM that answers its token endpoint properly and every other call with one kind of
/// wrong answer (an HTML error page, a JSON of the wrong shape, a 200 with an empty
/// body): a python3 process on 127.0.0.1, so the role meets it over the network as it
/// would meet a broken proxy or CRM.
final class MisbehavingCRM: Sendable {
    enum Answer: String, CaseIterable, Sendable {
        case htmlErrorPage = "html-error-page"
        case wrongJSONShape = "wrong-json-shape"
        case emptyBody = "empty-200"
        case fullPageWithoutNextLink = "full-page-without-next-link"
    }

    let port: Int
    private let server: PythonHTTPServer

    var baseURL: String { "http://127.0.0.1:\(port)" }

    init(_ answer: Answer) async throws {
        let directory = NSTemporaryDirectory() + "crmbridge-chaos-crm-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        port = try TestPostgres.freePort()
        let script = """
            from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer; import json
            MODE = "\(answer.rawValue)"
            class Handler(BaseHTTPRequestHandler):
                def send(self, status, body, kind):
                    data = body.encode()
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                def do_POST(self):
                    print("REQUEST " + self.requestline, flush=True)
                    length = int(self.headers.get("Content-Length") or 0)
                    self.rfile.read(length)
                    if "/oauth2/" in self.path:
                        self.send(200, json.dumps({"access_token": "misbehaving-crm-token-1234", "token_type": "Bearer", "expires_in": 3600}), "application/json")
                    else:
                        self.do_GET()
                def do_GET(self):
                    print("REQUEST " + self.requestline, flush=True)
                    if MODE == "html-error-page":
                        self.send(200, "<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html")
                    elif MODE == "wrong-json-shape":
                        self.send(200, json.dumps({"items": [{"id": 1}], "count": "many"}), "application/json")
                    elif MODE == "empty-200":
                        self.send(200, "", "application/json")
                    else:
                        rows = [{"contactid": "00000000-0000-0000-0000-%012d" % i, "modifiedon": "2026-01-01T00:00:00Z", "lastname": "x"} for i in range(5000)]
                        self.send(200, json.dumps({"value": rows}), "application/json")
                do_PATCH = do_GET
            server = ThreadingHTTPServer(("127.0.0.1", \(port)), Handler)
            print("LISTENING", flush=True)
            server.serve_forever()
            """
        server = try await PythonHTTPServer(script: script, directory: directory)
    }

    var log: String { server.log }
    var requests: [String] { server.requests }

    func stop() { server.stop() }
}
