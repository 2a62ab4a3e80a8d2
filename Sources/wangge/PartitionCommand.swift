import ArgumentParser
import Foundation
import WanggeKit

/// `wangge partition`: the main job — split the villages into balanced grids along their lines.
struct PartitionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partition",
        abstract: "Split every village/community into grids along streets, rivers and ridges, balanced by workload.",
        discussion: """
            Writes OUT/grids.geojson, OUT/blocks.geojson and OUT/report.json (draw them with `wangge map`). Without --grids or \
            --households-per-grid, the district's own plan (the "grids" property of district.geojson: 204 in the bundled boundaries/), \
            shared out by the Huntington–Hill method. Villages get grids and grids are balanced by hours of work a \
            week (the workload model; --workload households for households only). \
            See docs/PARTITION.md for the objective and constraints.
            """)

    @Option(help: "Directory with the district's layers.") var boundaries = "boundaries"
    @Option(help: "Directory to write grids.geojson, blocks.geojson and report.json to.") var out = "out"
    @Option(help: "Total number of grids (default: the district's plan, district.geojson's \"grids\").") var grids: Int?
    @Option(name: .customLong("households-per-grid"), help: "Derive each village's grid count from this load instead.")
    var householdsPerGrid: Double?
    @Option(help: "Apportionment method.") var method: MethodArgument = .huntingtonHill
    @Option(help: "Seed of the search (same seed, same bytes).") var seed: UInt64 = 1
    @Option(help: "Allowed deviation from the village mean workload.") var tolerance = 0.10
    @Option(help: "What to balance: hours (the workload model, docs/workload.json), households, or a workload model file (JSON).")
    var workload = "hours"
    @Option(name: .customLong("export-problem"),
            help: "Also write the block graphs as a partition problem (JSON, docs/PARTITION.md) for tools/compare_partition.py.")
    var exportProblem: String?

    func validate() throws {
        if grids != nil && householdsPerGrid != nil { throw ValidationError("give --grids or --households-per-grid, not both") }
        if let g = grids, g < 1 { throw ValidationError("--grids must be at least 1") }
        if let h = householdsPerGrid, !(h > 0) { throw ValidationError("--households-per-grid must be positive") }
        if !(tolerance > 0 && tolerance < 1) { throw ValidationError("--tolerance must be between 0 and 1") }
    }

    func run() throws {
        let started = Date()
        if let exportProblem {
            try FileIdentity.checkDistinct(output: ("--export-problem", exportProblem), from: ["grids.geojson", "blocks.geojson", "report.json"].map {
                ("--out's \($0)", FilePath.join(out, $0))
            })
        }
        var options = PartitionOptions()
        if let h = householdsPerGrid { options.gridCount = .loadPerGrid(h) } else { options.gridCount = grids.map { .total($0) } }
        options.method = method.method
        options.seed = seed
        options.tolerance = tolerance
        switch workload {
        case "hours": break
        case "households": options.weights = .households
        default: options.workloadModel = try WorkloadModel.load(workload)
        }
        // A load per grid in households means households are what is balanced.
        if householdsPerGrid != nil { options.weights = .households }
        var timer = PhaseTimer("partition")
        let district = try DistrictBoundaries.load(directory: boundaries)
        let layers = try DistrictLayers.load(directory: boundaries)
        timer.mark("load")
        // Overlapping villages or addresses of unknown villages would give a plan that looks fine
        // and is wrong: check the district as `wangge check` does, on the other core while the
        // plan is drawn, and refuse before writing anything.
        let directory = boundaries
        let districtCheck = Background {
            try PhaseTimer.measuringThread("district check") { try DistrictCheck().require(district, layers: layers, directory: directory) }
        }
        let bar = ProgressBar(label: "partition")
        let plan = try GridPlanner(options: options).plan(boundaries: district, layers: layers) { done, total, name in
            bar.update(done, of: total, detail: name)
        }
        bar.finish()
        timer.mark("plan")
        try districtCheck.value()
        timer.mark("wait for district check")
        // The plan must pass `wangge validate` before it replaces anything: checked on the other
        // core while the files are encoded.
        let gridFeatures = try GridPlanWriter().gridsCollection(plan)
        timer.mark("grids in WGS-84")
        let planCheck = Background { try PhaseTimer.measuringThread("plan check") { try plan.checkValid(gridFeatures, against: district) } }
        let seconds = Date().timeIntervalSince(started)
        try GridPlanWriter().write(plan, grids: gridFeatures, to: out, seconds: seconds) {
            timer.mark("encode")
            try planCheck.value()
            timer.mark("wait for plan check")
        }
        if let exportProblem {
            let json = GridPlanWriter().problem(plan, name: "\(district.name) blocks (wangge partition, seed \(seed))")
            try AtomicFile.write(Array((json.jsonText + "\n").utf8), to: exportProblem)
        }
        print(PlanTable.render(plan))
        print(String(format: "wrote %@/grids.geojson (%d grids), %@/blocks.geojson (%d blocks), %@/report.json — %.2f s",
                     out, plan.grids.count, out, plan.blocks.count, out, seconds))
    }
}

/// Work on another thread (a GEOS context per thread, so checks can run beside planning);
/// `value()` waits and rethrows.
final class Background<T>: @unchecked Sendable {
    // Written once by the worker before `leave()`, read only after `wait()`.
    private var result: Result<T, Error>?
    private let group = DispatchGroup()

    init(_ work: @escaping @Sendable () throws -> T) {
        group.enter()
        DispatchQueue.global().async {
            self.result = Result { try work() }
            self.group.leave()
        }
    }

    func value() throws -> T {
        group.wait()
        return try result!.get()
    }
}

/// A one-line progress bar on standard error, redrawn in place when it is a terminal.
final class ProgressBar {
    let label: String
    let isTerminal = isatty(STDERR_FILENO) == 1
    var lastDrawn = -1

    init(label: String) { self.label = label }

    func update(_ done: Int, of total: Int, detail: String) {
        guard isTerminal, total > 0 else { return }
        let percent = done * 100 / total
        guard percent != lastDrawn else { return }
        lastDrawn = percent
        let width = 30, filled = done * width / total
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        StandardError.write("\r\(label) [\(bar)] \(percent)% \(detail)\u{1B}[K")
    }

    func finish() {
        if isTerminal { StandardError.write("\r\u{1B}[K") }
    }
}
