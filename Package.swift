// swift-tools-version:6.0
import PackageDescription

// Dependency direction (see docs/ARCHITECTURE.md):
//   wangge (CLI) → WanggeKit → WanggeDistrict → WanggeGeoJSON / WanggeCRS → WanggeGeometry → CGEOS
//   WanggeIO (files, CSV/JSON text) sits under everything that reads or writes files.
//   WanggeCRS → CPROJ.  Only WanggeGeometry imports CGEOS; only WanggeCRS imports CPROJ.
//   WanggePartition depends only on WanggeIO (its seeded generator): graphs and numbers, never geometry.
//   WanggeExport / WanggeGazetteer → WanggeStore → GRDB: only WanggeStore touches SQLite.
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
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // Password hashing (PBKDF2-SHA256 in _CryptoExtras), token digests and constant-time compares.
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CGEOS", pkgConfig: "geos", providers: [.apt(["libgeos-dev"])]),
        .systemLibrary(name: "CPROJ", pkgConfig: "proj", providers: [.apt(["libproj-dev"])]),
        // Files and text formats, no C library beyond libc: atomic replacement (one file or a set),
        // reading pipes and devices, CSV and JSON text, one error type naming the file.
        .target(name: "WanggeIO"),
        .target(name: "WanggeGeometry", dependencies: ["CGEOS"]),
        .target(name: "WanggeCRS", dependencies: ["CPROJ", "WanggeGeometry"]),
        .target(name: "WanggeGeoJSON", dependencies: ["WanggeGeometry", "WanggeIO"]),
        .target(name: "WanggeMap", dependencies: ["WanggeGeometry"]),
        // Graph partitioning (apportionment + regionalization). Knows graphs and numbers only.
        // (`.squareRoot()`/`.rounded()` lower to libm calls; nothing imports Foundation, so link it.)
        .target(name: "WanggePartition", dependencies: ["WanggeIO"], linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]),
        // Putting the team on the grids: grid workers and supporting members by hours. Ids, hours and
        // points in metres only, like WanggePartition: no geometry, no files.
        .target(name: "WanggeStaffing", dependencies: ["WanggeIO"], linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]),
        .target(name: "WanggeDistrict", dependencies: ["WanggeIO", "WanggeGeometry", "WanggeCRS", "WanggeGeoJSON"]),
        // Point → grid assignment (pure-Swift raster index, streaming CSV/GeoJSON/JSONL).
        .target(name: "WanggeAssign", dependencies: ["WanggeIO", "WanggeGeometry", "WanggeCRS", "WanggeGeoJSON"]),
        .target(name: "WanggeGrids", dependencies: ["WanggeIO", "WanggeDistrict", "WanggePartition", "WanggeWorkload", "WanggeGeometry", "WanggeCRS", "WanggeGeoJSON"]),
        // Everything on SQLite (through GRDB): GeoPackage writing and the gazetteer file.
        // Cases on the ladder (types, levels, statuses, deadlines, lights, automatic escalation):
        // values and rules only, no geometry, no SQLite (WanggeStore keeps them in its case store).
        .target(name: "WanggeCases", dependencies: ["WanggeIO"]),
        // Accounts as values: roles and units, who may see what (scope), password hashes and session
        // tokens. No SQLite (WanggeStore keeps accounts, sessions and the audit log).
        .target(name: "WanggeAccounts", dependencies: ["WanggeIO", "WanggeCases", .product(name: "Crypto", package: "swift-crypto"),
                                                        .product(name: "_CryptoExtras", package: "swift-crypto")]),
        .target(name: "WanggeStore", dependencies: ["WanggeIO", "WanggeGeometry", "WanggeGeoJSON", "WanggeCases", "WanggeAccounts", .product(name: "GRDB", package: "GRDB.swift")]),
        // wangge export / wangge map: district layers to GeoJSON, GeoPackage, CSV, HTML and SVG maps.
        .target(name: "WanggeExport", dependencies: ["WanggeIO", "WanggeAssign", "WanggeCases", "WanggeWorkload", "WanggeDistrict", "WanggeGrids", "WanggeStore", "WanggeMap", "WanggeCRS", "WanggeGeoJSON", "WanggeGeometry"]),
        // The address gazetteer: built from the district, matched against messy addresses; its
        // SQLite file is read and written by WanggeStore.
        .target(name: "WanggeGazetteer", dependencies: ["WanggeIO", "WanggeAssign", "WanggeStore", "WanggeDistrict", "WanggeGeoJSON", "WanggeGeometry"]),
        // Workload in hours per week: the documented model, every grid's figures recomputed from
        // geometry and boundaries/, and the report (wangge report).
        .target(name: "WanggeWorkload", dependencies: ["WanggeIO", "WanggeAssign", "WanggeDistrict", "WanggeCRS", "WanggeGeoJSON", "WanggeGeometry"]),
        // The district's team: the roster file (UTF-8 or GBK, as assign reads CSV), the staffing
        // problem from boundaries/ and a grid file (hours from WanggeWorkload), staffing.csv and staffing.json.
        // Plans with history: versions, the QGIS import (snap + grid check), diffs. The SQL is
        // WanggeStore's PlanStore; no SQLite here.
        .target(name: "WanggePlans", dependencies: ["WanggeIO", "WanggePartition", "WanggeStore", "WanggeWorkload", "WanggeAssign", "WanggeDistrict", "WanggeCRS", "WanggeGeoJSON", "WanggeGeometry", "WanggeMap"]),
        .target(name: "WanggeTeam", dependencies: ["WanggeIO", "WanggeStaffing", "WanggeWorkload", "WanggeAssign", "WanggeDistrict", "WanggeGeoJSON", "WanggeGeometry", "WanggeCRS"]),
        // `wangge serve`: the JSON API as plain functions of a request (API), over HTTP on Hummingbird.
        .target(name: "WanggeServer", dependencies: [
            "WanggeIO", "WanggeGeoJSON", "WanggeGeometry", "WanggeCRS", "WanggeDistrict", "WanggeAssign", "WanggeGrids", "WanggeWorkload",
            "WanggeExport", "WanggeGazetteer", "WanggeStore", "WanggeCases", "WanggeCaseDesk", "WanggeAccounts", "WanggePlans",
            .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
        ]),
        // The case desk: `wangge case` as a library — intake located through the gazetteer and
        // GridLocator, the bundled incidents imported as cases, the store's commands.
        .target(name: "WanggeCaseDesk", dependencies: ["WanggeIO", "WanggeCases", "WanggeAccounts", "WanggeStore", "WanggeGazetteer", "WanggeAssign", "WanggeDistrict", "WanggeCRS", "WanggeGeoJSON", "WanggeGeometry"]),
        .target(name: "WanggeKit", dependencies: [
            "WanggeIO", "WanggeGeometry", "WanggeCRS", "WanggeGeoJSON", "WanggeDistrict", "WanggeGrids", "WanggeMap", "WanggePartition",
            "WanggeStore", "WanggeExport", "WanggeAssign", "WanggeGazetteer", "WanggeWorkload", "WanggeStaffing", "WanggeTeam",
            "WanggeCases", "WanggeCaseDesk", "WanggePlans", "WanggeAccounts",
        ]),
        .executableTarget(name: "wangge", dependencies: [
            "WanggeKit", "WanggeServer", .product(name: "Logging", package: "swift-log"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Runs the GEOS wrapper's allocation paths in a loop and fails if RSS keeps growing.
        .executableTarget(name: "geos-leakcheck", dependencies: ["WanggeGeometry"], path: "tools/LeakCheck"),
        // Measures reading a generated ~100 MB FeatureCollection: swift run -c release geojson-bench
        .executableTarget(name: "geojson-bench", dependencies: ["WanggeGeoJSON"], path: "tools/GeoJSONBench"),
        // Release timings of the partitioner on synthetic graphs (docs/PARTITION.md).
        .executableTarget(name: "partition-bench", dependencies: ["WanggePartition", "WanggeIO"], path: "tools/PartitionBench"),
        // Issue 11's figures: one edit with its validation, rebalance after seeded workload changes (release).
        .executableTarget(name: "plan-bench", dependencies: ["WanggePlans", "WanggeCRS", "WanggeDistrict", "WanggeGeoJSON", "WanggeGeometry", "WanggeIO", "WanggePartition", "WanggeWorkload"],
                          path: "tools/PlanBench"),
        // Point-in-grid lookup throughput on coordinate arrays (tools/bench_assign.py compares).
        .executableTarget(name: "assign-bench", dependencies: ["WanggeAssign", "WanggeCRS", "WanggeGeometry"], path: "tools/AssignBench"),
        // Writes a district's boundaries/ from its sources and a seed (tools/DistrictGenerator; see
        // boundaries/PROVENANCE.md): Shawan's into boundaries/, Jinkouhe's into boundaries/jinkouhe/.
        .executableTarget(name: "generate-district",
                          dependencies: ["WanggeIO", "WanggeGeometry", "WanggeCRS", "WanggeGeoJSON", "WanggeDistrict", "WanggeGrids", "WanggeMap", "WanggePartition"],
                          path: "tools/DistrictGenerator"),
        // Loading time of boundaries/elevation.asc and walking-time throughput (release).
        .executableTarget(name: "elevation-bench", dependencies: ["WanggeDistrict", "WanggeCRS", "WanggeGeometry", "WanggeIO"], path: "tools/ElevationBench"),
        // Seeded messy intake addresses with ground truth for tools/bench_geocode.py.
        .executableTarget(name: "geocode-sample", dependencies: ["WanggeGazetteer"], path: "tools/GeocodeSample"),
        // libFuzzer targets (tools/fuzz.sh, `make fuzz`; tools/Fuzz/README.md). A plain build makes
        // replayers: `fuzz-geojson FILE...` runs each file through the fuzz target's code.
        .executableTarget(name: "fuzz-geojson", dependencies: ["WanggeGeoJSON", "WanggeGeometry"], path: "tools/Fuzz/GeoJSONReader"),
        .executableTarget(name: "fuzz-assign", dependencies: ["WanggeAssign", "WanggeCRS", "WanggeGeoJSON"], path: "tools/Fuzz/AssignCSV"),
        .executableTarget(name: "fuzz-address", dependencies: ["WanggeGazetteer", "WanggeStore"], path: "tools/Fuzz/AddressMatcher"),
        .executableTarget(name: "fuzz-wkb", dependencies: ["WanggeStore", "WanggeGeometry"], path: "tools/Fuzz/WKBRoundTrip"),
        .executableTarget(name: "fuzz-elevation", dependencies: ["WanggeDistrict", "WanggeGeometry"], path: "tools/Fuzz/ElevationGrid"),
        .testTarget(name: "WanggeIOTests", dependencies: ["WanggeIO"]),
        .testTarget(name: "WanggeGeometryTests", dependencies: ["WanggeGeometry"]),
        .testTarget(name: "WanggeCRSTests", dependencies: ["WanggeCRS", "WanggeGeoJSON", "WanggeTestSupport"]),
        .testTarget(name: "WanggeGeoJSONTests", dependencies: ["WanggeGeoJSON"], exclude: ["Fixtures"]),
        // Tests' shared helpers: running the real clients (GDAL, Chromium).
        .target(name: "WanggeTestSupport", dependencies: ["WanggeCRS"], path: "Tests/WanggeTestSupport"),
        .testTarget(name: "WanggeDistrictTests", dependencies: ["WanggeDistrict", "WanggeIO", "WanggeTestSupport", "WanggeGeoJSON", "WanggeCRS", "WanggeGeometry"]),
        .testTarget(name: "WanggeMapTests", dependencies: ["WanggeMap"]),
        .testTarget(name: "WanggeGridsTests", dependencies: ["WanggeTestSupport", "WanggeGrids", "WanggeDistrict", "WanggeGeoJSON", "WanggeCRS", "WanggeGeometry"]),
        .testTarget(name: "WanggePartitionTests", dependencies: ["WanggePartition", "WanggeIO"]),
        .testTarget(name: "WanggeWorkloadTests", dependencies: ["WanggeWorkload", "WanggeDistrict", "WanggeGrids", "WanggeCRS", "WanggeGeoJSON", "WanggeGeometry"]),
        .testTarget(name: "WanggeExportTests", dependencies: ["WanggeTestSupport", "WanggeExport", "WanggeAssign", "WanggeStore", "WanggeDistrict", "WanggeGrids", "WanggeGeoJSON", "WanggeGeometry", "WanggeIO"]),
        .testTarget(name: "WanggeAssignTests", dependencies: ["WanggeAssign", "WanggeGeoJSON", "WanggeCRS", "WanggeGeometry", "WanggeTestSupport"]),
        .testTarget(name: "WanggeStaffingTests", dependencies: ["WanggeStaffing"]),
        .testTarget(name: "WanggeServerTests", dependencies: ["WanggeTestSupport", "WanggeServer", "WanggePlans", "WanggePartition", "WanggeCases", "WanggeCaseDesk", "WanggeAccounts", "WanggeStore", "WanggeGeoJSON", "WanggeGeometry", "WanggeCRS",
                                                            .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "WanggeTeamTests", dependencies: ["WanggeTeam", "WanggeAssign", "WanggeGeoJSON", "WanggeStaffing", "WanggeDistrict", "WanggeGrids", "WanggeIO"]),
        .testTarget(name: "WanggeCasesTests", dependencies: ["WanggeCases", "WanggeIO"]),
        .testTarget(name: "WanggeAccountsTests", dependencies: ["WanggeAccounts", "WanggeStore", "WanggeCases", "WanggeIO"]),
        .testTarget(name: "WanggeCaseDeskTests", dependencies: ["WanggeCaseDesk", "WanggeCases", "WanggeAccounts", "WanggeStore", "WanggeGazetteer", "WanggeAssign", "WanggeCRS", "WanggeGeoJSON", "WanggeGeometry", "WanggeIO", "WanggeMap"]),
        // GRDB only to make a gazetteer file of an earlier schema.
        .testTarget(name: "WanggeGazetteerTests", dependencies: ["WanggeGazetteer", "WanggeStore", "WanggeAssign", "WanggeIO",
                                                               .product(name: "GRDB", package: "GRDB.swift")], exclude: ["Fixtures"]),
        // The real `wangge` binary on the second district (boundaries/jinkouhe): nothing of Shawan wired in.
        .testTarget(name: "WanggeCLITests", dependencies: ["WanggeGeoJSON", "WanggeTestSupport"]),
        .testTarget(name: "WanggePlansTests", dependencies: ["WanggePlans", "WanggeStore", "WanggeWorkload", "WanggeGrids", "WanggeCRS", "WanggeDistrict", "WanggeGeoJSON", "WanggeGeometry", "WanggeIO"]),
    ]
)
