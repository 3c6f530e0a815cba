// swift-tools-version:6.0
// CRM Bridge: keeps a CRM (Dynamics 365, Salesforce) and the Campaign database
// (PostgreSQL) in sync through Apache Kafka. See README.md for the map of targets.
import PackageDescription

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
        .library(name: "Shared", targets: ["Shared"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
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

        // What every service shares: the C bridges, the envelope, config, connectors.
        .target(
            name: "Shared",
            dependencies: [
                "CRDKafka", "CLibPQ", "CCurl",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ]),

        // The three services, one executable each; every role is its own process.
        .executableTarget(
            name: "IngressService",
            dependencies: [
                "Shared",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "EgressService",
            dependencies: [
                "Shared",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "OptOutService",
            dependencies: [
                "Shared",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Workflow control: HTTP API + Workflows page, and the `crmbridge` CLI.
        .executableTarget(
            name: "ControlService",
            dependencies: [
                "Shared",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            resources: [.copy("Templates")]),
        .executableTarget(
            name: "CLI",
            dependencies: [
                "Shared",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // The CRM emulator: Dynamics 365 Web API and Salesforce REST API in memory.
        .target(
            name: "CRMEmulatorCore",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "CRMEmulator",
            dependencies: [
                "CRMEmulatorCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // `make bench`: throughput, latency and memory against ceilings measured in the same run.
        .executableTarget(
            name: "Bench",
            dependencies: [
                "Shared",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Helpers for tests only: starting PostgreSQL, the mock broker, the emulator.
        .target(
            name: "TestSupport",
            dependencies: [
                "Shared", "CRMEmulatorCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/TestSupport"),
        .testTarget(
            name: "SharedTests",
            dependencies: ["Shared", "TestSupport"]),
        .testTarget(
            name: "IngressTests",
            dependencies: ["Shared", "TestSupport"]),
        .testTarget(
            name: "ControlTests",
            dependencies: ["ControlService", "CLI", "Shared", "TestSupport"]),
        .testTarget(
            name: "CRMEmulatorTests",
            dependencies: ["CRMEmulatorCore", "Shared", "TestSupport"]),
    ]
)
