import ArgumentParser
import Foundation
import WanggeKit

/// `wangge plan …`: the plan store (a GeoPackage with the current grids and blocks as layers and
/// every version in history tables). All logic is in WanggePlans; the SQL in WanggeStore.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Keep the grid plan with its history in one GeoPackage (QGIS opens it).",
        discussion: """
            The store (default out/plan.gpkg) has the current plan's grids and blocks as layers and \
            every version in wangge_plan_versions / wangge_plan_contents. Versions are only ever added: \
            checkout makes an old version current as a new one. Each write is one SQLite transaction, so \
            a killed command leaves the previous version. See docs/PLANS.md.
            """,
        subcommands: [PlanInit.self, PlanLog.self, PlanShow.self, PlanCheckout.self, PlanExport.self, PlanImportCommand.self, PlanDiffCommand.self])
}

/// Options every plan command shares.
struct PlanOptions: ParsableArguments {
    @Option(help: "The plan store (a GeoPackage).") var store = "out/plan.gpkg"
    @Option(help: "Directory with the district's layers.") var boundaries = "boundaries"
    @Option(help: "Who is recording (default: $WANGGE_AUTHOR, else $USER).") var author: String?
    @Option(help: "The time to record, ISO 8601 (default: $WANGGE_NOW, else the clock) — for reproducible stores and tests.") var now: String?

    var book: PlanBook { PlanBook(path: store) }

    func stamp(_ message: String) throws -> PlanStamp {
        let env = ProcessInfo.processInfo.environment
        let who = author ?? env["WANGGE_AUTHOR"] ?? env["USER"] ?? "unknown"
        let time: String
        if let text = now ?? env["WANGGE_NOW"] {
            guard let t = PlanStamp.parse(text) else { throw ValidationError("--now \(text): expected ISO 8601 with a zone, e.g. 2026-12-01T05:00:00Z") }
            time = t
        } else {
            time = PlanStamp.iso(Date())
        }
        return PlanStamp(author: who, time: time, message: message)
    }
}

struct PlanInit: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Create the store from a partition output directory or a grid file (version 1).")
    @OptionGroup var options: PlanOptions
    @Option(help: "A `wangge partition --out` directory (grids + blocks), a grid GeoJSON file, or a GeoPackage.") var from = "out"
    @Option(help: "The version's message.") var message = "initial plan"

    func run() throws {
        let district = try DistrictBoundaries.load(directory: options.boundaries)
        let plan = try PlanSource.load(from)
        try PlanSource.requireValid(plan, path: from, boundaries: district)
        let r = try options.book.initialize(plan, stamp: options.stamp(message))
        print("created \(options.store): version \(r.version), \(r.grids) grids, \(r.blocks) blocks from \(from)")
    }
}

struct PlanLog: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "log", abstract: "List the versions, newest first (* marks the current one).")
    @OptionGroup var options: PlanOptions

    func run() throws {
        let versions = try options.book.log()
        for r in versions.reversed() { print(PlanSummary.logLine(r, current: r.version == versions.last?.version)) }
    }
}

struct PlanShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "A version's summary and its figures, recomputed from geometry and boundaries/.")
    @OptionGroup var options: PlanOptions
    @Argument(help: "The version (default: the current one).") var version: Int64?

    func run() throws {
        let (r, plan) = try options.book.plan(version)
        print(PlanSummary.header(r, plan))
        let district = try DistrictBoundaries.load(directory: options.boundaries)
        let layers = try DistrictLayers.load(directory: options.boundaries, lines: false)
        print(try PlanSummary.report(plan, boundaries: district, layers: layers).headline, terminator: "")
    }
}

struct PlanCheckout: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "checkout", abstract: "Make VERSION current again, as a new version whose parent is the current one.")
    @OptionGroup var options: PlanOptions
    @Argument(help: "The version to bring back.") var version: Int64
    @Option(help: "The new version's message (default: checkout of version N).") var message = ""

    func run() throws {
        let r = try options.book.checkout(version, stamp: options.stamp(message))
        print("version \(r.version) (parent \(r.parent ?? 0)) is version \(version)'s plan: \(r.grids) grids, \(r.blocks) blocks")
    }
}

struct PlanExport: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Write a version's grids.geojson and blocks.geojson (as one set).")
    @OptionGroup var options: PlanOptions
    @Argument(help: "The version (default: the current one).") var version: Int64?
    @Option(help: "Directory to write to.") var out: String

    func run() throws {
        let r = try options.book.export(version, to: out)
        print("wrote \(out)/grids.geojson (\(r.grids) grids) and blocks.geojson (\(r.blocks) blocks) of version \(r.version)")
    }
}

struct PlanImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Record a grid layer edited in QGIS (GeoJSON or GeoPackage) as a new version, after snapping and the grid check.",
        discussion: """
            Vertices within --tolerance of a block or village vertex are moved onto it (in the district's \
            metric CRS), then the grids must pass `wangge validate`'s checks; otherwise every problem is \
            listed and nothing is recorded. The blocks follow the grids they lie in. A GeoPackage's \
            "grids" layer is read (the store itself can be imported after editing it in QGIS).
            """)
    @OptionGroup var options: PlanOptions
    @Argument(help: "The edited grid layer.") var file: String
    @Option(help: "Snap distance, e.g. 0.5m or 0.5.") var tolerance = "0.5m"
    @Option(help: "The version's message.") var message: String?

    func run() throws {
        let text = tolerance.hasSuffix("m") ? String(tolerance.dropLast()) : tolerance
        guard let metres = Double(text), metres >= 0, metres <= 50 else { throw ValidationError("--tolerance \(tolerance): expected metres between 0 and 50, e.g. 0.5m") }
        let district = try DistrictBoundaries.load(directory: options.boundaries)
        let layers = try DistrictLayers.load(directory: options.boundaries, lines: false)
        let (current, plan, r, outcome) = try options.book.importGrids(file, tolerance: metres, boundaries: district, layers: layers, stamp: options.stamp(message ?? ""))
        let diff = try PlanDiff.compute(plan, outcome.plan, boundaries: district, layers: layers)
        print("recorded version \(r.version) (parent \(current.version)): \(outcome.snapped.count) grid(s) snapped, \(outcome.blocksMoved.count) block(s) moved")
        print(diff.text(before: "version \(current.version)", after: "version \(r.version)"), terminator: "")
        let touched = (diff.added + diff.changed.map(\.code)).sorted()
        if !touched.isEmpty {
            print("figures of the new and changed grids (recomputed):")
            print(PlanSummary.gridLines(try PlanSummary.report(outcome.plan, boundaries: district, layers: layers), codes: touched), terminator: "")
        }
    }
}

struct PlanDiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "diff", abstract: "What changes from version A to version B (grids, blocks, addresses, villages' grids and hours).")
    @OptionGroup var options: PlanOptions
    @Argument(help: "Before.") var a: Int64
    @Argument(help: "After (default: the current version).") var b: Int64?
    @Flag(help: "Everything as JSON.") var json = false

    func run() throws {
        let (ra, pa) = try options.book.plan(a)
        let (rb, pb) = try options.book.plan(b)
        let district = try DistrictBoundaries.load(directory: options.boundaries)
        let layers = try DistrictLayers.load(directory: options.boundaries, lines: false)
        let d = try PlanDiff.compute(pa, pb, boundaries: district, layers: layers)
        let before = "version \(ra.version)", after = "version \(rb.version)"
        print(json ? d.json(before: before, after: after) : d.text(before: before, after: after), terminator: "")
    }
}
