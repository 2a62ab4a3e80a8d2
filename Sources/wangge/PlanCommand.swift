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
        subcommands: [PlanInit.self, PlanLog.self, PlanShow.self, PlanCheckout.self, PlanExport.self, PlanImportCommand.self, PlanDiffCommand.self,
                      PlanMove.self, PlanSplit.self, PlanMerge.self, PlanSetCount.self, PlanRenumber.self, PlanLock.self, PlanUnlock.self,
                      PlanUndo.self, PlanRebalanceCommand.self])
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
        let locks = try options.book.locks()
        if !locks.isEmpty { print(PlanSummary.lockLines(locks), terminator: "") }
    }
}

struct PlanShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "A version's summary and its figures, recomputed from geometry and boundaries/.")
    @OptionGroup var options: PlanOptions
    @Argument(help: "The version (default: the current one).") var version: Int64?

    func run() throws {
        let (r, plan) = try options.book.plan(version)
        print(PlanSummary.header(r, plan))
        let locks = try options.book.locks()
        if !locks.isEmpty { print(PlanSummary.lockLines(locks)) }
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
        let diff = try PlanDiff.compute(plan, outcome.plan, boundaries: district, layers: layers, after: outcome.measured)
        print("recorded version \(r.version) (parent \(current.version)): \(outcome.snapped.count) grid(s) snapped, \(outcome.blocksMoved.count) block(s) moved")
        print(diff.text(before: "version \(current.version)", after: "version \(r.version)"), terminator: "")
        let touched = (diff.added + diff.changed.map(\.code)).sorted()
        if !touched.isEmpty {
            print("figures of the new and changed grids (recomputed):")
            print(PlanSummary.gridLines(try PlanSummary.report(outcome.plan, boundaries: district, layers: layers, measured: outcome.measured), codes: touched), terminator: "")
        }
    }
}

struct PlanDiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "What changes from A to B (grids, blocks, addresses, incidents, villages' grids and hours), as text, JSON or a map.",
        discussion: """
            A and B are versions of the store, or plans on disk: a `wangge partition --out` directory, a grid \
            GeoJSON file or a GeoPackage. --map draws the area that changed (SVG, or an HTML page with the \
            summary when FILE ends in .html).
            """)
    @OptionGroup var options: PlanOptions
    @Argument(help: "Before: a version number, or a plan directory or file.") var a: String
    @Argument(help: "After (default: the current version).") var b: String?
    @Flag(help: "Everything as JSON.") var json = false
    @Option(help: "Also draw the changes: FILE.svg, or FILE.html (the map with the summary).") var map: String?


    /// A version of the store, or a plan read from disk.
    func load(_ ref: String?) throws -> (label: String, plan: Plan) {
        if let ref, let v = Int64(ref) {
            let (r, p) = try options.book.plan(v)
            return ("version \(r.version)", p)
        }
        guard let ref else {
            let (r, p) = try options.book.plan()
            return ("version \(r.version)", p)
        }
        return (ref, try PlanSource.load(ref))
    }

    func run() throws {
        if let map {
            // The map must not replace what is compared.
            try FileIdentity.checkDistinct(output: ("--map", map), from: [("--store", options.store), ("A", a)] + (b.map { [("B", $0)] } ?? []))
        }
        let (before, pa) = try load(a)
        let (after, pb) = try load(b)
        let district = try DistrictBoundaries.load(directory: options.boundaries)
        let layers = try DistrictLayers.load(directory: options.boundaries, lines: false)
        let d = try PlanDiff.compute(pa, pb, boundaries: district, layers: layers)
        if let map {
            let drawing = PlanDiffMap(diff: d, before: pa, after: pb, boundaries: district, layers: layers)
            let title = "\(before) → \(after)"
            let text = map.lowercased().hasSuffix(".html") || map.lowercased().hasSuffix(".htm")
                ? try drawing.html(title: title, before: before, after: after) : try drawing.svg(title: title)
            try AtomicFile.write(Array(text.utf8), to: map)
            StandardError.write("map of the changes: \(map)\n")
        }
        print(json ? d.json(before: before, after: after) : d.text(before: before, after: after), terminator: "")
    }
}

/// What every edit command shares: apply through `PlanBook.edit`, then print the version, the
/// diff and the recomputed figures of the new and changed grids.
struct PlanEditRunner {
    var options: PlanOptions
    var message: String?

    func run(_ edit: PlanEdit, seed: UInt64 = 0) throws {
        let district = try DistrictBoundaries.load(directory: options.boundaries)
        let layers = try DistrictLayers.load(directory: options.boundaries, lines: false)
        let (before, _, after, outcome) = try options.book.edit(edit, boundaries: district, layers: layers, seed: seed,
                                                                stamp: options.stamp(message ?? ""))
        print(PlanSummary.editLines(outcome, before: before, after: after), terminator: "")
        let touched = (outcome.added + outcome.changed).sorted()
        if !touched.isEmpty {
            print("figures of the new and changed grids (recomputed):")
            print(PlanSummary.gridLines(try PlanSummary.report(outcome.plan, boundaries: district, layers: layers, villages: Set(touched.map { String($0.prefix(12)) })), codes: touched), terminator: "")
        }
    }
}

struct PlanMove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "move", abstract: "Move blocks to a neighbouring grid of their village (a new version).",
        discussion: "Refused, with every reason, when a block is in another village, shares no edge with the grid, or a grid would be empty, in pieces, or is locked.")
    @OptionGroup var options: PlanOptions
    @Argument(help: "Block ids (as in the blocks layer, e.g. 511111001001-0025).") var blocks: [String]
    @Option(help: "The grid to move them to.") var to: String
    @Option(help: "The version's message.") var message: String?

    func run() throws { try PlanEditRunner(options: options, message: message).run(.move(blocks: blocks, to: to)) }
}

struct PlanSplit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split", abstract: "Split a grid in two: the listed blocks become a new grid, or the two sides of a drawn line.",
        discussion: """
            --blocks B1,B2,…: those blocks of GRID become a new grid (the village's next free code). \
            --line: the line is snapped to GRID's block edges within --snap (it follows an edge where it runs \
            that close to it), the blocks it crosses are cut along it (the pieces keep their block's id with \
            .1, .2, … and their figures are counted again), and the two sides become two grids: the side with \
            more households keeps GRID's code, the other takes the village's next free code. Where the line \
            meets the village's outline it goes through the outline's nearer vertex. The line must cross GRID from one \
            edge to another, once. Refused, with the reason, when it does not, when a side would be empty or \
            in several pieces, or when GRID is locked.
            """)
    @OptionGroup var options: PlanOptions
    @Argument(help: "The grid to split.") var grid: String
    @Option(help: "Comma-separated block ids that become the new grid.") var blocks: String?
    @Option(help: ArgumentHelp(
        "A line across the grid, in WGS-84 longitude/latitude: a GeoJSON file (a LineString geometry, a Feature with one, or a FeatureCollection of exactly one such feature) or WKT, in a file or as text, e.g. 'LINESTRING (103.54 29.41, 103.56 29.42)'.",
        valueName: "file-or-wkt")) var line: String?
    @Option(help: "With --line: snap distance to the block edges in the district's metric CRS, e.g. 5m or 5.") var snap = "5m"
    @Option(help: "The version's message.") var message: String?

    func validate() throws {
        guard (blocks == nil) != (line == nil) else { throw ValidationError("give either --blocks or --line") }
        _ = try snapMetres()
    }

    func snapMetres() throws -> Double {
        let text = snap.hasSuffix("m") ? String(snap.dropLast()) : snap
        guard let metres = Double(text), metres >= 0, metres <= 50 else { throw ValidationError("--snap \(snap): expected metres between 0 and 50, e.g. 5m") }
        return metres
    }

    func run() throws {
        if let line {
            let coordinates = try DrawnLine.read(line)
            try PlanEditRunner(options: options, message: message).run(.splitAlong(grid: grid, line: coordinates, snap: try snapMetres()))
        } else {
            let ids = (blocks ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            try PlanEditRunner(options: options, message: message).run(.split(grid: grid, blocks: ids))
        }
    }
}

struct PlanMerge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge", abstract: "Merge GRID_B into GRID_A (neighbours in one village); GRID_B's code is retired.")
    @OptionGroup var options: PlanOptions
    @Argument(help: "The grid that stays.") var gridA: String
    @Argument(help: "The grid that joins it.") var gridB: String
    @Option(help: "The version's message.") var message: String?

    func run() throws { try PlanEditRunner(options: options, message: message).run(.merge(into: gridA, from: gridB)) }
}

struct PlanSetCount: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-count", abstract: "Redraw one village into N grids (only that village; its locked grids stay as they are).",
        discussion: "The village's block graph (its locked grids' blocks left out) is split by the partition's regionalization; each new grid keeps the old code it shares most blocks with, the rest take the village's next free codes.")
    @OptionGroup var options: PlanOptions
    @Argument(help: "The village code (12 digits).") var village: String
    @Argument(help: "Its number of grids.") var count: Int
    @Option(help: "Seed of the regionalization (as wangge partition's --seed).") var seed: UInt64 = 0
    @Option(help: "The version's message.") var message: String?

    func run() throws { try PlanEditRunner(options: options, message: message).run(.setCount(village: village, count: count), seed: seed) }
}

struct PlanRenumber: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "renumber", abstract: "Renumber grid codes 001… west → east, then north → south (one village, or all).",
        discussion: "Codes are otherwise stable through edits (a new grid takes its village's next free code). Refused if a locked grid's code would change.")
    @OptionGroup var options: PlanOptions
    @Argument(help: "The village code (default: every village).") var village: String?
    @Option(help: "The version's message.") var message: String?

    func run() throws { try PlanEditRunner(options: options, message: message).run(.renumber(village: village)) }
}

extension PlanOptions {
    /// `plan lock` / `plan unlock`: records the change, then lists the locks.
    func setLocked(_ grids: [String], _ locked: Bool, message: String?) throws {
        let r = try book.setLocked(grids, locked: locked, stamp: stamp(message ?? ""))
        print("recorded version \(r.version) (parent \(r.parent ?? 0)): \(r.message)")
        print(PlanSummary.lockLines(try book.locks()), terminator: "")
    }
}

struct PlanLock: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lock", abstract: "Lock grids: no edit or rebalance may touch them (recorded as a version).")
    @OptionGroup var options: PlanOptions
    @Argument(help: "Grid codes.") var grids: [String]
    @Option(help: "The version's message.") var message: String?

    func run() throws { try options.setLocked(grids, true, message: message) }
}

struct PlanUnlock: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unlock", abstract: "Unlock grids (recorded as a version).")
    @OptionGroup var options: PlanOptions
    @Argument(help: "Grid codes.") var grids: [String]
    @Option(help: "The version's message.") var message: String?

    func run() throws { try options.setLocked(grids, false, message: message) }
}

struct PlanUndo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undo", abstract: "Make the current version's parent's plan current again, as a new version (undo twice is redo).")
    @OptionGroup var options: PlanOptions
    @Option(help: "The version's message.") var message: String?

    func run() throws {
        let (undone, to, r) = try options.book.undo(stamp: options.stamp(message ?? ""))
        print("recorded version \(r.version) (parent \(undone.version)): version \(to)'s plan again, undoing \(undone.action) \"\(undone.message)\" — \(r.grids) grids, \(r.blocks) blocks")
    }
}

struct PlanRebalanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebalance",
        abstract: "Bring every grid back within tolerance of its village's mean with few block moves (a greedy search for the fewest) (a new version).",
        discussion: """
            Loads are today's: each block's hours under the workload model from boundaries/ (addresses and \
            incidents placed in blocks, patrol shared out as wangge partition weighs blocks). Inside each \
            village, single block moves between neighbouring grids (and chains of two) are made while they \
            lower the excess beyond tolerance; every grid stays in one piece, locked grids are not touched, \
            villages already within tolerance are left alone. Villages that cannot be brought within \
            tolerance by moves are redrawn with the same number of grids (--no-redraw: not). \
            --across-villages then moves grids (workers) between neighbouring villages of one township, the \
            district's total unchanged: from a village whose mean grid is more than the tolerance below the \
            township's mean grid to a neighbour more than the tolerance above it, or to or from a village that \
            cannot be balanced with its count; only those two villages are redrawn, never one with a locked grid. \
            --allow-count-change then redraws what is still out with k±1, k±2, … grids (the smallest change \
            that balances it). What stays out is named with the reason; see docs/PLANS.md.
            """)
    @OptionGroup var options: PlanOptions
    @Option(help: "Allowed deviation from the village mean, e.g. 10% or 0.1.") var tolerance = "10%"
    @Flag(inversion: .prefixedNo, help: "Where moves cannot, redraw the village with the same number of grids (kept only if within tolerance).") var redraw = true
    @Flag(help: "Move grids between neighbouring villages of a township (the district's total unchanged).") var acrossVillages = false
    @Flag(help: "Where that fails too, redraw the village with k±1, k±2, … grids (the smallest change that balances it).") var allowCountChange = false
    @Flag(help: "Report the moves without recording a version.") var dryRun = false
    @Option(help: "The version's message.") var message: String?

    func run() throws {
        let text = tolerance.hasSuffix("%") ? String(tolerance.dropLast()) : tolerance
        guard let t = Double(text), t > 0 else { throw ValidationError("--tolerance \(tolerance): expected e.g. 10% or 0.1") }
        let fraction = tolerance.hasSuffix("%") || t >= 1 ? t / 100 : t
        let district = try DistrictBoundaries.load(directory: options.boundaries)
        let layers = try DistrictLayers.load(directory: options.boundaries, lines: false)
        let (current, plan) = try options.book.plan()
        let locked = Set(try options.book.locks().map(\.gridCode))
        let loads = try BlockLoads.compute(plan, boundaries: district, layers: layers)
        let outcome = try PlanRebalance(tolerance: fraction, locked: locked, redraw: redraw, changeCounts: allowCountChange,
                                    acrossVillages: acrossVillages).run(plan, loads: loads, boundaries: district, layers: layers)
        print(PlanSummary.rebalanceLines(outcome, tolerance: fraction), terminator: "")
        guard !outcome.moves.isEmpty else { print("nothing to record"); return }
        if dryRun { print("dry run: nothing recorded"); return }
        var stamp = try options.stamp(message ?? "")
        if stamp.message.isEmpty {
            stamp.message = "rebalance: \(outcome.blocks) block(s) moved in \(outcome.villages.filter { $0.moves > 0 }.count) village(s)"
                + (outcome.transfers.isEmpty ? "" : ", \(outcome.transfers.count) grid(s) moved between villages")
        }
        let r = try options.book.record(outcome.plan, action: .rebalance, stamp: stamp, basedOn: current.version)
        print("recorded version \(r.version) (parent \(current.version)): \(r.message)")
    }
}
