// swift-tools-version:6.1
import PackageDescription

// Modules and their layering are described in ARCHITECTURE.md: a module imports only those listed
// before it there.
let package = Package(
    name: "Switchyard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "switchyard", targets: ["switchyard"]),
        .library(name: "DNSWire", targets: ["DNSWire"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1",
                       providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CMaxMindDB", pkgConfig: "libmaxminddb",
                       providers: [.apt(["libmaxminddb-dev"])]),

        .target(name: "CBatchSocket"),

        .target(name: "DNSWire", exclude: ["README.md"]),
        .target(name: "Model", dependencies: ["DNSWire"], exclude: ["README.md"]),
        .target(name: "Manifests", dependencies: ["CYAML", "DNSWire", "Model"], exclude: ["README.md"]),
        .target(name: "Reconcile", dependencies: [
            "DNSWire", "Model", .product(name: "Crypto", package: "swift-crypto"),
        ], exclude: ["README.md"]),
        .target(name: "Authority", dependencies: [
            "DNSWire", "Model", "CMaxMindDB", .product(name: "Atomics", package: "swift-atomics"),
            // DNSSEC signing: computation only; keys and the clock come in from the controller.
            .product(name: "Crypto", package: "swift-crypto"),
        ], exclude: ["README.md"]),
        .target(name: "Monitor", dependencies: [
            "CCurl", "DNSWire", "Model", .product(name: "HeapModule", package: "swift-collections"),
        ], exclude: ["README.md"]),
        .target(name: "Notify", dependencies: [
            "CCurl", "Model", .product(name: "Crypto", package: "swift-crypto"),
        ], exclude: ["README.md"]),
        .target(name: "Store", dependencies: [
            "DNSWire", "Model", .product(name: "GRDB", package: "GRDB.swift"),
        ], exclude: ["README.md"]),
        .target(name: "AdminAPI", dependencies: ["CCurl", "Model"], exclude: ["README.md"]),
        .target(name: "Server", dependencies: [
            "CBatchSocket", "DNSWire", "Authority",
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Atomics", package: "swift-atomics"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], exclude: ["README.md"]),
        .target(name: "Targets", dependencies: [
            "DNSWire", "Model", "Server",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ], exclude: ["README.md"]),
        .target(name: "Controller", dependencies: [
            "DNSWire", "Model", "Manifests", "Reconcile", "Authority", "Monitor", "Notify", "Store", "AdminAPI", "Server", "Targets",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Atomics", package: "swift-atomics"),
            .product(name: "DequeModule", package: "swift-collections"),
        ], exclude: ["README.md"]),
        // Only `switchyard controller` reaches into Controller (to run one); every other command talks
        // to a controller through AdminAPI.
        .executableTarget(name: "switchyard", dependencies: [
            "DNSWire", "Model", "Manifests", "Reconcile", "Authority", "AdminAPI", "Server", "Targets", "Controller", "Notify",
            .product(name: "NIOPosix", package: "swift-nio"),
            // `switchyard demo`'s endpoints and webhook receiver.
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .target(name: "SwitchyardTesting", path: "Sources/SwitchyardTesting"),

        .executableTarget(name: "DNSWireBenchmark", dependencies: ["DNSWire"],
                          path: "Benchmarks/DNSWireBenchmark"),
        // Replays saved inputs; Benchmarks/fuzz.sh builds it with libFuzzer (-D FUZZING).
        .executableTarget(name: "AuthorityFuzz", dependencies: ["Authority", "DNSWire", "Manifests", "Model"],
                          path: "Fuzz/AuthorityFuzz"),
        .executableTarget(name: "AnswerBenchmark", dependencies: ["Authority", "DNSWire", "Manifests", "Model"],
                          path: "Benchmarks/AnswerBenchmark"),
        .executableTarget(name: "SigningBenchmark", dependencies: ["Authority", "DNSWire", "Manifests", "Model"],
                          path: "Benchmarks/SigningBenchmark"),
        .executableTarget(name: "ManifestsBenchmark", dependencies: ["Manifests"],
                          path: "Benchmarks/ManifestsBenchmark"),
        .executableTarget(name: "MonitorBenchmark", dependencies: ["DNSWire", "Model", "Monitor"],
                          path: "Benchmarks/MonitorBenchmark"),
        .executableTarget(name: "StoreBenchmark", dependencies: ["DNSWire", "Manifests", "Model", "Reconcile", "Store"],
                          path: "Benchmarks/StoreBenchmark"),

        .testTarget(name: "DNSWireTests", dependencies: ["DNSWire"]),
        .testTarget(name: "AuthorityTests", dependencies: [
            "Authority", "Manifests", "Model", "DNSWire", .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "ReconcileTests", dependencies: ["Reconcile", "Manifests", "Model"]),
        .testTarget(name: "MonitorTests", dependencies: ["Monitor", "Model", "DNSWire", "SwitchyardTesting"]),
        .testTarget(name: "ManifestsTests", dependencies: ["Manifests", "Model", "DNSWire"], exclude: ["Fixtures"]),
        .testTarget(name: "ControllerTests", dependencies: [
            "Controller", "AdminAPI", "Authority", "Manifests", "Model", "Monitor", "Reconcile", "Store", "Targets", "DNSWire",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "ServerTests", dependencies: ["Server", "DNSWire"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Model", "DNSWire", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "NotifyTests", dependencies: ["Notify"]),
        .testTarget(name: "SwitchyardCLITests", dependencies: ["Manifests"]),
        .testTarget(name: "IntegrationTests", dependencies: [
            "AdminAPI", "DNSWire", "Model", "Manifests", "Authority", "Notify", "Server", "Targets", "SwitchyardTesting",
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "SystemLibraryTests", dependencies: ["CCurl", "CYAML", "CMaxMindDB"]),
    ],
    swiftLanguageModes: [.v6]
)
