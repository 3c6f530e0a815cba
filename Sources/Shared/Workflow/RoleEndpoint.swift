import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// A role's `/healthz` and `/metrics` over HTTP, as a `Service` in the role's
/// `ServiceGroup`. `/healthz` answers 200 when every supervisor's `RoleHealth` is
/// ready, else 503 naming what is not; `/metrics` the Prometheus text of the process.
public struct RoleEndpoint: Service {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }
    }

    let configuration: Configuration
    let health: [RoleHealth]
    let registry: PrometheusCollectorRegistry
    let logger: Logger

    public init(configuration: Configuration, health: [RoleHealth], registry: PrometheusCollectorRegistry, logger: Logger) {
        self.configuration = configuration
        self.health = health
        self.registry = registry
        self.logger = logger
    }

    /// Every supervisor's report in one: ready when all are.
    static func report(_ health: [RoleHealth]) -> RoleHealth.Report {
        health.map(\.report).reduce(into: RoleHealth.Report(notReady: [:], ready: [])) { all, one in
            all.notReady.merge(one.notReady) { first, _ in first }
            all.ready += one.ready.filter { !all.ready.contains($0) }
        }
    }

    public func run() async throws {
        let router = Router()
        let (health, registry) = (health, registry)
        let readyGauge = Gauge(label: RoleMetricName.ready)
        router.get("healthz") { _, _ -> Response in
            let report = Self.report(health)
            readyGauge.record(report.isReady ? 1 : 0)
            return Self.response(report.json, type: "application/json", status: report.isReady ? .ok : .serviceUnavailable)
        }
        router.get("metrics") { _, _ -> Response in
            readyGauge.record(Self.report(health).isReady ? 1 : 0)
            return Self.response(registry.emitToString(), type: "text/plain; version=0.0.4; charset=utf-8", status: .ok)
        }
        let (host, logger) = (configuration.host, logger)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: configuration.port), serverName: "crmbridge-role"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.notice("serving /healthz and /metrics", metadata: ["url": "http://\(host):\(port)/"])
            },
            logger: logger)
        try await app.run()
    }

    private static func response(_ body: String, type: String, status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
