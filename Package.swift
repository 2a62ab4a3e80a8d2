// swift-tools-version:6.0
import PackageDescription

// Dependency direction (see docs/ARCHITECTURE.md):
//   wangge (CLI) → WanggeKit → WanggeGeoJSON / WanggeCRS → WanggeGeometry → CGEOS
//   WanggeKit → WanggePartition (no dependencies: graphs and numbers, never geometry).
//   WanggeCRS → CPROJ.  Only WanggeGeometry imports CGEOS; only WanggeCRS imports CPROJ.
let package = Package(
    name: "Wangge",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "WanggeKit", targets: ["WanggeKit"]),
        .executable(name: "wangge", targets: ["wangge"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(name: "CGEOS", pkgConfig: "geos", providers: [.apt(["libgeos-dev"])]),
        .systemLibrary(name: "CPROJ", pkgConfig: "proj", providers: [.apt(["libproj-dev"])]),
        .target(name: "WanggeGeometry", dependencies: ["CGEOS"]),
        .target(name: "WanggeCRS", dependencies: ["CPROJ", "WanggeGeometry"]),
        .target(name: "WanggeGeoJSON", dependencies: ["WanggeGeometry"]),
        // Graph partitioning (apportionment + regionalization). Knows graphs and numbers only:
        // no geometry, no GEOS, no dependencies.
        // (`.squareRoot()`/`.rounded()` lower to libm calls; nothing imports Foundation, so link it.)
        .target(name: "WanggePartition", linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]),
        .target(name: "WanggeKit", dependencies: [
            "WanggeGeometry", "WanggeCRS", "WanggeGeoJSON", "WanggePartition",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .executableTarget(name: "wangge", dependencies: [
            "WanggeKit",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Runs the GEOS wrapper's allocation paths in a loop and fails if RSS keeps growing.
        .executableTarget(name: "geos-leakcheck", dependencies: ["WanggeGeometry"], path: "tools/LeakCheck"),
        // Release timings of the partitioner on synthetic graphs (docs/PARTITION.md).
        .executableTarget(name: "partition-bench", dependencies: ["WanggePartition"], path: "tools/PartitionBench"),
        .testTarget(name: "WanggeGeometryTests", dependencies: ["WanggeGeometry"]),
        .testTarget(name: "WanggeCRSTests", dependencies: ["WanggeCRS", "WanggeGeoJSON"]),
        .testTarget(name: "WanggeGeoJSONTests", dependencies: ["WanggeGeoJSON"]),
        .testTarget(name: "WanggeKitTests", dependencies: ["WanggeKit"]),
        .testTarget(name: "WanggePartitionTests", dependencies: ["WanggePartition"]),
    ]
)
