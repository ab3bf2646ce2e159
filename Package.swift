// swift-tools-version:6.1
import PackageDescription

// Modules follow ../shared/DESIGN.md's table; a module appears here once it has code.
let package = Package(
    name: "Switchyard",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "DNSWire", targets: ["DNSWire"]),
    ],
    targets: [
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1",
                       providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CMaxMindDB", pkgConfig: "libmaxminddb",
                       providers: [.apt(["libmaxminddb-dev"])]),

        .target(name: "DNSWire", exclude: ["README.md"]),

        .executableTarget(name: "DNSWireBenchmark", dependencies: ["DNSWire"],
                          path: "Benchmarks/DNSWireBenchmark"),

        .testTarget(name: "DNSWireTests", dependencies: ["DNSWire"]),
        .testTarget(name: "SystemLibraryTests", dependencies: ["CCurl", "CYAML", "CMaxMindDB"]),
    ],
    swiftLanguageModes: [.v6]
)
