import Metrics
import Prometheus
import Synchronization

/// swift-metrics backed by Prometheus, for every executable: what the process's
/// instruments (the Kafka bridge's, `RoleCounters`', the control service's) record is
/// what its `/metrics` serves. `MetricsSystem` takes one bootstrap per process, so
/// `main` calls this once; tests, which run many parts in one process, don't.
public enum MetricsBootstrap {
    /// Change latency: from 50 ms (a change picked up at once) to 60 s (a full import
    /// interval), so p50 and p99 can be read from the buckets.
    public static let changeLatencyBuckets: [Duration] = [
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2_500), .seconds(5), .seconds(10), .seconds(20), .seconds(30), .seconds(60),
    ]

    private static let bootstrapped = Mutex<PrometheusCollectorRegistry?>(nil)

    /// The registry `/metrics` serves, once `bootstrap()` ran.
    public static var registry: PrometheusCollectorRegistry? { bootstrapped.withLock { $0 } }

    /// Bootstraps `MetricsSystem` with the Prometheus factory; later calls answer the same registry.
    @discardableResult
    public static func bootstrap() -> PrometheusCollectorRegistry {
        bootstrapped.withLock { current in
            if let current { return current }
            let registry = PrometheusCollectorRegistry()
            var factory = PrometheusMetricsFactory(registry: registry)
            factory.durationHistogramBuckets[RoleMetricName.changeLatency] = changeLatencyBuckets
            MetricsSystem.bootstrap(factory)
            current = registry
            return registry
        }
    }
}
