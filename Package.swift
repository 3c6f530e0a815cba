// swift-tools-version:6.0
// CRM Bridge: keeps a CRM (Dynamics 365, Salesforce) and the Campaign database
// (PostgreSQL) in sync through Apache Kafka. See README.md for the map of targets.
import PackageDescription

let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let metrics: Target.Dependency = .product(name: "Metrics", package: "swift-metrics")
/// Everything a service role builds on.
let shared: [Target.Dependency] = [
    "KafkaBridge", "PostgresBridge", "HTTPBridge", "CoreValues", "Mapping", "Config",
    "CRMConnectors", "Campaign", "WorkflowRuntime", logging,
]
let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")

let package = Package(
    name: "crm-bridge",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "IngressService", targets: ["IngressService"]),
        .executable(name: "EgressService", targets: ["EgressService"]),
        .executable(name: "OptOutService", targets: ["OptOutService"]),
        .executable(name: "ControlService", targets: ["ControlService"]),
        .executable(name: "crm-emulator", targets: ["CRMEmulator"]),
        .executable(name: "crmbridge", targets: ["CLI"]),
        .executable(name: "crmbridge-bench", targets: ["Bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // C libraries, never vendored: Debian's -dev packages through pkg-config.
        .systemLibrary(
            name: "CRDKafka", pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(
            name: "CLibPQ", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]),
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),

        // What every service shares: one small target per concern, so the compiler
        // enforces who may use what (SPEC §1). Data flows CRM connector → envelope →
        // Kafka | Kafka → envelope → Campaign (and back for campaign-to-crm).
        //
        // The bridges: the only importers of their C module.
        .target(
            name: "KafkaBridge", dependencies: ["CRDKafka", "CoreValues", logging, metrics],
            path: "Sources/Shared/Kafka"),
        .target(
            name: "PostgresBridge", dependencies: ["CLibPQ", "CoreValues", logging],
            path: "Sources/Shared/Postgres"),
        .target(
            name: "HTTPBridge", dependencies: ["CCurl", logging],
            path: "Sources/Shared/HTTP"),
        // Core values: the envelope, field values, JSON, dates, secrets. Depends on nothing.
        .target(
            name: "CoreValues", dependencies: [],
            path: "Sources/Shared/Core"),
        // Field conversions, replacement rules, filters and their CRM dialects.
        .target(
            name: "Mapping", dependencies: ["CoreValues"],
            path: "Sources/Shared/Mapping"),
        // crmbridge.yaml and the workflow configurations, typed and validated.
        .target(
            name: "Config", dependencies: ["CoreValues", "Mapping", .product(name: "Yams", package: "Yams")],
            path: "Sources/Shared/Config"),
        // Dynamics 365 and Salesforce: HTTP and mapping only, nothing of Kafka or PostgreSQL.
        .target(
            name: "CRMConnectors", dependencies: ["HTTPBridge", "CoreValues", "Mapping", "Config", logging],
            path: "Sources/Shared/CRM"),
        // Every SQL that touches Campaign's tables.
        .target(
            name: "Campaign", dependencies: ["PostgresBridge", "CoreValues", "Mapping", "Config", logging],
            path: "Sources/Shared/Campaign"),
        // What runs a role: supervisor, locks, heartbeats, workflow state, health, metrics.
        .target(
            name: "WorkflowRuntime",
            dependencies: [
                "KafkaBridge", "PostgresBridge", "CoreValues", "Config", logging, metrics,
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // A role's /healthz and /metrics.
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Sources/Shared/Workflow"),
        // The local broker (librdkafka's mock cluster): `crmbridge dev-broker` and tests only.
        .target(
            name: "DevBroker", dependencies: ["CRDKafka", "KafkaBridge", logging],
            path: "Sources/Shared/DevBroker"),

        // The three services, one executable each; every role is its own process.
        .executableTarget(
            name: "IngressService",
            dependencies: shared + [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "EgressService",
            dependencies: shared + [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "OptOutService",
            dependencies: shared + [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Workflow control: HTTP API + Workflows page, and the `crmbridge` CLI.
        .executableTarget(
            name: "ControlService",
            dependencies: shared + [
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            resources: [.copy("Templates")]),
        .executableTarget(
            name: "CLI",
            dependencies: shared + [
                "DevBroker",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // The CRM emulator: Dynamics 365 Web API and Salesforce REST API in memory.
        .target(
            name: "CRMEmulatorCore",
            dependencies: [
                "CoreValues", .product(name: "Hummingbird", package: "hummingbird"), nioCore, logging,
            ]),
        .executableTarget(
            name: "CRMEmulator",
            dependencies: [
                "CRMEmulatorCore", logging,
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // `make bench`: throughput, latency and memory against ceilings measured in the same run.
        .executableTarget(
            name: "Bench",
            dependencies: shared + [
                "DevBroker",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Helpers for tests only: starting PostgreSQL, the mock broker, the emulator.
        .target(
            name: "TestSupport",
            dependencies: shared + [
                "CRMEmulatorCore", "DevBroker",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/TestSupport"),
        .testTarget(
            name: "SharedTests",
            // Yams: the deployment tests read docker-compose.yml and the manifests.
            dependencies: shared + ["DevBroker", "TestSupport", .product(name: "Yams", package: "Yams")]),
        .testTarget(
            name: "IngressTests",
            dependencies: shared + ["DevBroker", "TestSupport"]),
        // Unit tests of IngressService's own types (`@testable import` of the executable).
        .testTarget(
            name: "IngressServiceTests",
            dependencies: shared + ["IngressService", "TestSupport"]),
        .testTarget(
            name: "EgressTests",
            dependencies: shared + ["EgressService", "DevBroker", "TestSupport"]),
        .testTarget(
            name: "OptOutTests",
            dependencies: shared + ["OptOutService", "DevBroker", "TestSupport"]),
        .testTarget(
            name: "ControlTests",
            dependencies: shared + ["ControlService", "CLI", "DevBroker", "TestSupport"]),
        // Issue 16: crashes, faults and bad input over the whole stack (`make chaos`; a
        // short profile runs in `make test`).
        .testTarget(
            name: "ChaosTests",
            dependencies: shared + ["DevBroker", "TestSupport", "CRMEmulatorCore"]),
        .testTarget(
            name: "CRMEmulatorTests",
            dependencies: shared + ["CRMEmulatorCore", "TestSupport", nioCore]),
    ]
)
