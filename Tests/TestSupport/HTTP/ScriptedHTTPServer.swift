import Foundation
import Hummingbird
import Synchronization

/// A plain HTTP/1.1 server on 127.0.0.1 (a free port) that answers each path with
/// prepared replies, in order: the n-th request to a path gets its n-th reply, and the
/// last reply repeats. Unknown paths get 404. Every request is recorded, so a test sees
/// what a connector sent. Used to run the connectors against answers transcribed from
/// the CRMs' documentation, where no emulator is involved.
public final class ScriptedHTTPServer: Sendable {
    /// One prepared answer.
    public struct Reply: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: [UInt8]

        public init(status: Int = 200, headers: [(String, String)] = [("Content-Type", "application/json")], body: [UInt8]) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        /// A JSON answer with `text` as its body.
        public static func json(_ text: String, status: Int = 200) -> Reply {
            Reply(status: status, body: Array(text.utf8))
        }
    }

    /// What a client sent.
    public struct ReceivedRequest: Sendable {
        public var method: String
        /// Path and query as received (still percent-encoded).
        public var uri: String
        public var path: String
        public var headers: [String: String]
        public var body: [UInt8]

        /// A header by name, any case.
        public func header(_ name: String) -> String? { headers[name.lowercased()] }

        /// A query parameter, percent-decoded (`+` as a space).
        public func query(_ name: String) -> String? {
            guard let query = uri.split(separator: "?", maxSplits: 1).dropFirst().first else { return nil }
            for pair in query.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.first == name else { continue }
                let value = parts.count > 1 ? parts[1].replacingOccurrences(of: "+", with: " ") : ""
                return value.removingPercentEncoding ?? value
            }
            return nil
        }
    }

    struct State {
        var replies: [String: [Reply]] = [:]
        var served: [String: Int] = [:]
        var received: [ReceivedRequest] = []
    }

    /// The routes and what arrived, shared with the server's handler.
    final class Store: Sendable {
        let state = Mutex(State())
    }

    public let port: Int
    private let task: Task<Void, any Error>
    private let store: Store

    /// `http://127.0.0.1:<port>`
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, task: Task<Void, any Error>, store: Store) {
        self.port = port
        self.task = task
        self.store = store
    }

    /// Sets the replies of `path` (no query), replacing earlier ones.
    public func route(_ path: String, _ replies: Reply...) {
        store.state.withLock { state in
            state.replies[path] = replies
            state.served[path] = 0
        }
    }

    /// Every request received so far, in order.
    public var received: [ReceivedRequest] { store.state.withLock { $0.received } }

    /// The requests received for `path`.
    public func received(at path: String) -> [ReceivedRequest] { received.filter { $0.path == path } }

    /// Starts a server and returns once it accepts connections.
    public static func start() async throws -> ScriptedHTTPServer {
        let store = Store()
        let (port, task) = try await TestHTTPServerLaunch.launch(
            CallbackResponder<BasicRequestContext> { request, _ in
                try await answer(request, store: store)
            },
            label: "test.scripted-http-server")
        return ScriptedHTTPServer(port: port, task: task, store: store)
    }

    /// Stops listening and waits until the server is down.
    public func stop() async {
        task.cancel()
        _ = try? await task.value
    }

    private static func answer(_ request: Request, store: Store) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 16 * 1024 * 1024)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let received = ReceivedRequest(
            method: request.method.rawValue, uri: request.uri.string, path: request.uri.path,
            headers: headers, body: Array(buffer: body))
        let reply: Reply? = store.state.withLock { state in
            state.received.append(received)
            guard let replies = state.replies[received.path], !replies.isEmpty else { return nil }
            let index = min(state.served[received.path, default: 0], replies.count - 1)
            state.served[received.path, default: 0] += 1
            return replies[index]
        }
        guard let reply else {
            return Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: "no reply for \(received.path)")))
        }
        var fields = HTTPFields()
        for (name, value) in reply.headers {
            if let fieldName = HTTPFields.Element.Name(name) { fields.append(.init(name: fieldName, value: value)) }
        }
        return Response(status: .init(code: reply.status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
    }
}
