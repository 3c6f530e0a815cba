import Foundation
import TestSupport

/// An HTTPS server on 127.0.0.1 with a certificate nobody signed (made here with
/// `openssl req -x509`), answering every request 200 `{}` and writing the request line of
/// each one it receives to its log, so a test can tell whether a client got past the
/// handshake (and so could have sent a secret).
final class SelfSignedServer: Sendable {
    let port: Int
    private let server: PythonHTTPServer

    var baseURL: String { "https://127.0.0.1:\(port)" }

    init() async throws {
        let directory = NSTemporaryDirectory() + "crmbridge-chaos-tls-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                             "-addext", "subjectAltName=IP:127.0.0.1",
                             "-keyout", directory + "/key.pem", "-out", directory + "/cert.pem"]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else { throw TestStackError("openssl could not make a certificate") }
        port = try TestPostgres.freePort()
        let script = """
            from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer; import ssl
            class Handler(BaseHTTPRequestHandler):
                def answer(self):
                    print("REQUEST " + self.requestline, flush=True)
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"{}")
                do_GET = do_POST = do_PATCH = answer
            server = ThreadingHTTPServer(("127.0.0.1", \(port)), Handler)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain("\(directory)/cert.pem", "\(directory)/key.pem")
            server.socket = context.wrap_socket(server.socket, server_side=True)
            print("LISTENING", flush=True)
            server.serve_forever()
            """
        server = try await PythonHTTPServer(script: script, directory: directory)
    }

    /// Request lines the server received (only after a completed handshake).
    var requests: [String] { server.requests }

    var log: String { server.log }

    func stop() { server.stop() }
}
