import HTTPBridge
import TestSupport
import Testing

/// HTTPClient over libcurl against a real local HTTP server.
@Suite struct HTTPClientTests {
    @Test func getSendsHeadersAndReturnsTheEcho() async throws {
        try await withClientAndServer { client, server in
            var headers = HTTPHeaders()
            headers.add("Accept", "application/json")
            headers.add("X-Request-Tag", "first")
            headers.add("X-Request-Tag", "second")
            let response = try await client.execute(
                HTTPRequest(url: server.baseURL + "/api/data?$top=5", headers: headers))
            #expect(response.status == 200)
            #expect(response.headers["X-Echo-Method"] == "GET")
            #expect(response.headers["X-Echo-URI"] == "/api/data?$top=5")
            let echoed = response.headers.values("X-Echo-Header").map { $0.lowercased() }
            #expect(echoed.contains("accept: application/json"))
            #expect(echoed.contains("x-request-tag: first"))
            #expect(echoed.contains("x-request-tag: second"))
            #expect(echoed.contains { $0.hasPrefix("user-agent: crm-bridge/") })
            #expect(response.body.isEmpty)
        }
    }

    @Test func postSendsTheBodyByteForByteWithItsContentType() async throws {
        try await withClientAndServer { client, server in
            let body: [UInt8] = Array("{\"name\":\"Zoë\"}".utf8) + [0, 255, 10, 13]
            let response = try await client.execute(HTTPRequest(
                method: "POST", url: server.baseURL + "/contacts",
                headers: ["Content-Type": "application/json"], body: body))
            #expect(response.status == 200)
            #expect(response.headers["X-Echo-Method"] == "POST")
            #expect(response.body == body)
            let echoed = response.headers.values("X-Echo-Header").map { $0.lowercased() }
            #expect(echoed.contains("content-type: application/json"))
            #expect(echoed.contains("content-length: \(body.count)"))
        }
    }

    @Test func largeBodyIsSentWithoutExpectContinue() async throws {
        try await withClientAndServer { client, server in
            let body = (0..<(2 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let response = try await client.execute(
                HTTPRequest(method: "PUT", url: server.baseURL + "/blob", body: body))
            #expect(response.status == 200)
            #expect(response.body == body)
            let echoed = response.headers.values("X-Echo-Header").map { $0.lowercased() }
            #expect(!echoed.contains { $0.hasPrefix("expect:") })
        }
    }

    @Test func patchPutAndDeleteReachTheServerWithTheirMethod() async throws {
        try await withClientAndServer { client, server in
            for method in ["PATCH", "PUT", "DELETE"] {
                let body: [UInt8]? = method == "DELETE" ? nil : Array("{\"m\":\"\(method)\"}".utf8)
                let response = try await client.execute(
                    HTTPRequest(method: method, url: server.baseURL + "/contacts(1)", body: body))
                #expect(response.headers["X-Echo-Method"] == method)
                #expect(response.body == (body ?? []))
            }
        }
    }

    @Test func postWithoutBodySendsContentLengthZero() async throws {
        try await withClientAndServer { client, server in
            let response = try await client.execute(HTTPRequest(method: "POST", url: server.baseURL + "/empty"))
            #expect(response.status == 200)
            let echoed = response.headers.values("X-Echo-Header").map { $0.lowercased() }
            #expect(echoed.contains("content-length: 0"))
        }
    }

    @Test func sequentialRequestsReuseOneKeepAliveConnection() async throws {
        try await withClientAndServer { client, server in
            var ports: Set<String> = []
            for index in 0..<5 {
                let response = try await client.execute(HTTPRequest(url: server.baseURL + "/seq/\(index)"))
                ports.insert(response.headers["X-Echo-Remote-Port"] ?? "")
            }
            #expect(ports.count == 1)
            #expect(!ports.contains("") && !ports.contains("0"))
        }
    }

    @Test func errorStatusIsAResponseNotAnError() async throws {
        try await withClientAndServer { client, server in
            let unavailable = try await client.execute(HTTPRequest(url: server.baseURL + "/x?status=503"))
            #expect(unavailable.status == 503)
            let notFound = try await client.execute(HTTPRequest(url: server.baseURL + "/x?status=404"))
            #expect(notFound.status == 404)
            #expect(!notFound.isSuccess)
        }
    }

    @Test func responseHeadersAreReadableInAnyCase() async throws {
        try await withClientAndServer { client, server in
            let response = try await client.execute(HTTPRequest(url: server.baseURL + "/"))
            #expect(response.headers["x-mixed-case-header"] == "Kept")
            #expect(response.headers["X-MIXED-CASE-HEADER"] == "Kept")
            #expect(response.headers["X-Mixed-Case-Header"] == "Kept")
            #expect(response.headers.values("CONTENT-TYPE") == ["application/octet-stream"])
        }
    }

    @Test func twoHundredConcurrentRequestsAllCompleteWithTheirOwnBody() async throws {
        try await withClientAndServer { client, server in
            let results = try await withThrowingTaskGroup(of: (Int, HTTPResponse).self) { group in
                for index in 0..<200 {
                    group.addTask {
                        let response = try await client.execute(HTTPRequest(
                            method: "POST", url: server.baseURL + "/item/\(index)",
                            body: Array("request-\(index)".utf8)))
                        return (index, response)
                    }
                }
                var collected: [Int: HTTPResponse] = [:]
                for try await (index, response) in group { collected[index] = response }
                return collected
            }
            #expect(results.count == 200)
            for (index, response) in results {
                #expect(response.status == 200)
                #expect(response.bodyText == "request-\(index)")
                #expect(response.headers["X-Echo-URI"] == "/item/\(index)")
            }
        }
    }

    @Test func requestsBeyondTheConcurrencyLimitWaitTheirTurn() async throws {
        var configuration = HTTPClient.Configuration()
        configuration.maxConcurrentRequests = 2
        try await withClientAndServer(configuration) { client, server in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        try await client.execute(HTTPRequest(url: server.baseURL + "/?delay_ms=50")).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 200, count: 10))
        }
    }

    @Test func responseSlowerThanTheTimeoutFailsQuicklyWithTimeout() async throws {
        try await withClientAndServer { client, server in
            let clock = ContinuousClock()
            let started = clock.now
            let error = await #expect(throws: HTTPError.self) {
                try await client.execute(HTTPRequest(
                    url: server.baseURL + "/slow?delay_ms=10000", timeout: .milliseconds(300)))
            }
            #expect(error?.code == .timeout)
            #expect(error?.isRetriable == true)
            // Well before the server's 10 s answer, with room for a loaded machine.
            #expect(clock.now - started < .seconds(5))
        }
    }

    @Test func cancellingTheTaskAbortsTheTransfer() async throws {
        try await withClientAndServer { client, server in
            let clock = ContinuousClock()
            let task = Task {
                try await client.execute(HTTPRequest(url: server.baseURL + "/slow?delay_ms=10000"))
            }
            // Cancel only once the transfer is running inside libcurl.
            try await server.waitForRequests(1)
            let cancelled = clock.now
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            // The server answers only after 10 s: returning within half of that means the
            // transfer was aborted, not waited out (generous, for a loaded machine).
            #expect(clock.now - cancelled < .seconds(5))
            // The client still works after a cancelled transfer.
            let response = try await client.execute(HTTPRequest(url: server.baseURL + "/after"))
            #expect(response.status == 200)
        }
    }

    @Test func responseLargerThanTheLimitFailsWithTooLarge() async throws {
        var configuration = HTTPClient.Configuration()
        configuration.maxResponseBytes = 1000
        try await withClientAndServer(configuration) { client, server in
            let small = try await client.execute(HTTPRequest(url: server.baseURL + "/?size=1000"))
            #expect(small.body.count == 1000)
            let error = await #expect(throws: HTTPError.self) {
                try await client.execute(HTTPRequest(url: server.baseURL + "/?size=5000"))
            }
            #expect(error?.code == .tooLarge)
            #expect(error?.isRetriable == false)
        }
    }

    @Test func shutdownFailsInFlightAndLaterRequests() async throws {
        try await LocalHTTPServer.withServer { server in
            let client = HTTPClient()
            let slow = Task {
                try await client.execute(HTTPRequest(url: server.baseURL + "/slow?delay_ms=10000"))
            }
            // Shut down once the slow request is on the wire.
            try await server.waitForRequests(1)
            client.shutdown()
            client.shutdown()
            let inFlight = await #expect(throws: HTTPError.self) { try await slow.value }
            #expect(inFlight?.code == .clientShutdown)
            let later = await #expect(throws: HTTPError.self) {
                try await client.execute(HTTPRequest(url: server.baseURL + "/later"))
            }
            #expect(later?.code == .clientShutdown)
        }
    }

    private func withClientAndServer(
        _ configuration: HTTPClient.Configuration = .init(),
        _ body: (HTTPClient, LocalHTTPServer) async throws -> Void
    ) async throws {
        let client = HTTPClient(configuration: configuration)
        defer { client.shutdown() }
        try await LocalHTTPServer.withServer { server in try await body(client, server) }
    }
}
