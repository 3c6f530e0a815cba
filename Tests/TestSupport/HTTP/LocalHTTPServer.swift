import Foundation
import Hummingbird
import Synchronization

/// A tiny real HTTP/1.1 server on 127.0.0.1 (a free port) for HTTP client tests.
///
/// Every request, any method and path, is answered by echoing it:
/// - body: the request body, byte for byte (or `size` bytes of "x" when `?size=N`);
/// - `X-Echo-Method`: the method; `X-Echo-URI`: path and query as received;
/// - `X-Echo-Header`: one field per request header, `name: value`;
/// - `X-Mixed-Case-Header: Kept` on every response;
/// - `X-Echo-Remote-Port`: the client's TCP port (equal ports = a reused connection).
/// Query parameters: `status=NNN` answers that status, `delay_ms=N` waits first.
public final class LocalHTTPServer: Sendable {
    public let port: Int
    private let task: Task<Void, any Error>
    private let counter: RequestCounter

    /// `http://127.0.0.1:<port>`
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, task: Task<Void, any Error>, counter: RequestCounter) {
        self.port = port
        self.task = task
        self.counter = counter
    }

    /// Requests whose handling has started so far.
    public var requestCount: Int { counter.value }

    /// Waits until at least `count` requests have arrived.
    public func waitForRequests(_ count: Int, timeout: Duration = .seconds(10)) async throws {
        try await eventually("\(count) requests (\(counter.value) arrived)", timeout: timeout, interval: .milliseconds(5)) {
            counter.value >= count
        }
    }

    /// Starts a server and returns once it accepts connections.
    public static func start() async throws -> LocalHTTPServer {
        let counter = RequestCounter()
        let (port, task) = try await TestHTTPServerLaunch.launch(
            CallbackResponder<EchoRequestContext> { request, context in
                counter.increment()
                return try await echo(request, remotePort: context.remotePort)
            },
            label: "test.local-http-server")
        return LocalHTTPServer(port: port, task: task, counter: counter)
    }

    /// Runs `body` with a started server and stops it afterwards.
    public static func withServer<T: Sendable>(
        _ body: (LocalHTTPServer) async throws -> T
    ) async throws -> T {
        let server = try await start()
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// Stops listening and waits until the server is down.
    public func stop() async {
        task.cancel()
        _ = try? await task.value
    }

    private static func echo(_ request: Request, remotePort: Int) async throws -> Response {
        var request = request
        let query = request.uri.queryParameters
        if let delay = query.get("delay_ms", as: Int.self), delay > 0 {
            try await Task.sleep(for: .milliseconds(delay))
        }
        let status = query.get("status", as: Int.self) ?? 200
        let received = try await request.collectBody(upTo: 64 * 1024 * 1024)
        var headers = HTTPFields()
        append(&headers, "X-Echo-Method", request.method.rawValue)
        append(&headers, "X-Echo-URI", request.uri.string)
        for field in request.headers {
            append(&headers, "X-Echo-Header", "\(field.name.rawName): \(field.value)")
        }
        append(&headers, "X-Mixed-Case-Header", "Kept")
        append(&headers, "X-Echo-Remote-Port", String(remotePort))
        append(&headers, "Content-Type", "application/octet-stream")
        let body: ByteBuffer
        if let size = query.get("size", as: Int.self), size >= 0 {
            body = ByteBuffer(repeating: UInt8(ascii: "x"), count: size)
        } else {
            body = received
        }
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: body))
    }

    private static func append(_ headers: inout HTTPFields, _ name: String, _ value: String) {
        guard let fieldName = HTTPFields.Element.Name(name) else { return }
        headers.append(.init(name: fieldName, value: value))
    }
}

/// Request context that remembers the client's port.
struct EchoRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let remotePort: Int

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remotePort = source.channel.remoteAddress?.port ?? 0
    }
}

/// Thread-safe request counter.
final class RequestCounter: Sendable {
    private let count = Mutex(0)

    var value: Int { count.withLock { $0 } }

    func increment() { count.withLock { $0 += 1 } }
}

public enum LocalHTTPServerError: Error, CustomStringConvertible {
    case didNotStart

    public var description: String { "the local HTTP test server did not start" }
}
