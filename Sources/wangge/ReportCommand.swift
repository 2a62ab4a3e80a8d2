import ArgumentParser
import Foundation
import WanggeKit

/// `wangge report`: every grid's workload in hours, recomputed from geometry and boundaries/ for
/// any grid file. All logic is in WanggeWorkload.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Workload in hours a week per grid, village, township and district, for any grid file.",
        discussion: """
            Every figure is recomputed from the grids' geometry and boundaries/ (addresses, flags, \
            incidents, patrol routes), whatever the grid file's properties say: a file edited in \
            QGIS or one with nothing but codes reports the same way. The hours come from the \
            workload model (--workload FILE, JSON; `--print-model` writes the defaults with their \
            sources). Writes report.json, grids.csv (with a byte-order mark) and histogram.svg \
            into --out as one set, and prints the district-wide spread beside the within-village one.
            """)
    @Option(help: "The grid file (default out/grids.geojson).") var grids = "out/grids.geojson"
    @Option(help: "Directory with the district's layers.") var boundaries = "boundaries"
    @Option(help: "A workload model (JSON); default: the documented standard model.") var workload: String?
    @Option(help: "Directory for report.json, grids.csv and histogram.svg.") var out = "out/report"
    @Flag(name: .customLong("no-validate"), help: "Report on a grid file even if `wangge validate` would reject it.") var noValidate = false
    @Flag(name: .customLong("print-model"), help: "Print the workload model as JSON (with each value's source) and stop.") var printModel = false

    func run() throws {
        let started = Date()
        let model = try workload.map(WorkloadModel.load) ?? .standard
        if printModel { print(model.json, terminator: ""); return }
        try FileIdentity.checkDistinct(output: ("--out", out), from: [("--grids", grids)])
        let district = try DistrictBoundaries.load(directory: boundaries)
        let layers = try DistrictLayers.load(directory: boundaries, lines: false)
        let collection = try GridFile.load(grids, boundaries: district, validate: false)
        // The grids are validated on the other core while the figures are computed; nothing is
        // written unless they pass.
        let gridPath = grids, validate = !noValidate
        let gridCheck = Background { if validate { try GridFile.requireValid(collection, path: gridPath, boundaries: district) } }
        let report = WorkloadReport(figures: try WorkloadCalculator.figures(grids: collection, boundaries: district, layers: layers, model: model),
                                    model: model)
        try gridCheck.value()
        try AtomicFileSet.makeDirectory(out)
        let set = try AtomicFileSet(directory: out)
        try set.write("report.json", Array(report.json.utf8))
        try set.write("grids.csv", Array(report.gridsCSV.utf8))
        try set.write("histogram.svg", Array(report.histogramSVG.utf8))
        try set.commit()
        print(report.headline, terminator: "")
        print(String(format: "wrote %@/report.json, grids.csv, histogram.svg — %.2f s", out, Date().timeIntervalSince(started)))
    }
}
