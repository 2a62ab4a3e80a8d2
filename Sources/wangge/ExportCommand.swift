import ArgumentParser
import Foundation
import WanggeKit

/// `wangge export`: GeoJSON per layer, one GeoPackage, CSV tables.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every layer as GeoJSON, one GeoPackage (wangge.gpkg) and CSV tables of grids and assignments.",
        discussion: """
            Layers: district, townships, villages, grids, blocks (when known), addresses, landmarks, incidents. \
            GeoJSON is RFC 7946 WGS-84 with 7 decimals unless --crs gcj02|bd09 (then a top-level \
            "coordinate_system" member says so); the GeoPackage is always WGS-84 (EPSG:4326). \
            Without --grids, the bundled plan is partitioned first (default options).
            """)

    @Option(help: "Directory with the district's layers.") var boundaries = "boundaries"
    @Option(help: "A grids.geojson from `wangge partition` (blocks.geojson beside it is used too).") var grids: String?
    @Option(help: "Directory to write to.") var out: String
    @Option(help: "Coordinates of the GeoJSON files: wgs84, gcj02 (Amap/Tencent) or bd09 (Baidu).") var crs: ExportCRS = .wgs84
    @Flag(name: .customLong("no-validate"), help: "Use --grids even if `wangge validate` would reject it.") var noValidate = false

    func run() throws {
        let started = Date()
        let input = try MapInputLoader.load(boundaries: boundaries, grids: grids, validate: !noValidate)
        let files = try DistrictExport(input).write(to: out, crs: crs)
        print(TextTable(header: ["file", "rows/features", "detail"],
                    rows: files.map { [$0.path, String($0.count), $0.detail] }).render())
        print(String(format: "exported %d files to %@ — %.2f s", files.count, out, Date().timeIntervalSince(started)))
    }
}

/// `wangge map`: one self-contained HTML page, optionally a static SVG.
struct MapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Draw the district, townships, villages and grids as a self-contained HTML map (and optionally SVG).",
        discussion: """
            The HTML page needs no network: inline SVG, zoom with the wheel, pan by dragging, hover a \
            grid for its details, search a grid code or village name. Without --grids, the bundled plan \
            is partitioned first (default options).
            """)

    @Option(help: "Directory with the district's layers.") var boundaries = "boundaries"
    @Option(help: "A grids.geojson from `wangge partition`.") var grids: String?
    @Option(help: "The HTML file to write.") var out: String?
    @Option(help: "Also (or only) write a static SVG map here.") var svg: String?
    @Option(help: "Colour grids by workload (hours a week), by one part of it (households, flagged, incidents, patrol, upkeep), by hours of work per staff-hour (staff-ratio: needs a grid file from `wangge staff --grids-out`), by open or overdue cases (cases-open, cases-overdue: needs --cases), by township, or one colour a grid.") var colour: MapColouring = .workload
    @Option(help: "The case store (e.g. out/cases.sqlite): each grid's open and overdue cases, for --colour cases-open|cases-overdue and the popups.") var cases: String?
    @Option(help: "The moment the lights are read at (ISO 8601 with offset; default now).") var now: String?
    @Flag(name: .customLong("no-validate"), help: "Use --grids even if `wangge validate` would reject it.") var noValidate = false

    func validate() throws {
        if out == nil && svg == nil { throw ValidationError("give --out FILE.html and/or --svg FILE.svg") }
    }

    func run() throws {
        if let out, let svg { try FileIdentity.checkDistinct(output: ("--svg", svg), from: [("--out", out)]) }
        for (flag, path) in [("--out", out), ("--svg", svg)] {
            if let path, let grids { try FileIdentity.checkDistinct(output: (flag, path), from: [("--grids", grids)]) }
        }
        var input = try MapInputLoader.load(boundaries: boundaries, grids: grids, validate: !noValidate)
        if let cases {
            guard FileManager.default.fileExists(atPath: cases) else { throw ValidationError("no case store at \(cases): run `wangge case import --store \(cases)` first") }
            let store = try CaseStore(path: cases)
            let deadlines = try CaseDesk.deadlines(nil)
            let counts = try CaseDesk.gridCounts(store, now: try CaseDesk.now(now), marginSeconds: deadlines.yellowMarginSeconds)
            input = input.settingCaseCounts(counts.mapValues { (open: $0.open, overdue: $0.overdue) })
        } else if colour == .casesOpen || colour == .casesOverdue {
            throw ValidationError("--colour \(colour.rawValue) needs the case store: --cases out/cases.sqlite")
        }
        if colour == .staffRatio, !input.grids.features.contains(where: { GridWorker.staffHours($0) != nil }) {
            throw ValidationError("--colour staff-ratio needs staff hours on the grids: run `wangge staff --roster FILE --grids \(grids ?? "FILE") --grids-out FILE` and map that file")
        }
        let map = try DistrictMap(input, colouring: colour)
        var files: [(path: String, bytes: [UInt8])] = []
        if let out { files.append((out, map.htmlBytes())) }
        if let svg { files.append((svg, Array(map.svg().utf8))) }
        // The HTML and the SVG of one run are one result: in one directory they are replaced
        // together (two runs at once leave one run's pair); in two directories, one by one.
        let directories = files.map { FilePath.directory(of: $0.path) }
        if files.count == 2, FileIdentity.same(directories[0], directories[1]) {
            let set = try AtomicFileSet(directory: directories[0])
            for f in files { try set.write(FilePath.name(of: f.path), f.bytes) }
            try set.commit()
        } else {
            for f in files { try AtomicFile.write(f.bytes, to: f.path) }
        }
        if let out {
            print("wrote \(out): \(input.grids.features.count) grids, \(input.boundaries.villages.count) villages, \(input.boundaries.townships.count) townships (open it in a browser; works offline)")
        }
        if let svg { print("wrote \(svg)") }
    }
}

enum MapInputLoader {
    static func load(boundaries: String, grids: String?, validate: Bool) throws -> ExportInput {
        if grids == nil { StandardError.write("no --grids: partitioning \(boundaries) first\n") }
        let bar = ProgressBar(label: "partition")
        let input = try ExportInput.load(boundaries: boundaries, gridsFile: grids, validate: validate) { done, total, name in
            bar.update(done, of: total, detail: name)
        }
        bar.finish()
        return input
    }
}
